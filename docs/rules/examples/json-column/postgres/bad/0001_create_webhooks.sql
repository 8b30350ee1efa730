-- migrate:up
CREATE TABLE webhooks (
  id bigint PRIMARY KEY,
  payload json NOT NULL
);
-- migrate:down
DROP TABLE webhooks;
