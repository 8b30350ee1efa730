-- migrate:up
CREATE TABLE webhooks (
  id bigint PRIMARY KEY,
  payload jsonb NOT NULL
);
-- migrate:down
DROP TABLE webhooks;
