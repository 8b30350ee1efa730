-- migrate:up
CREATE TABLE events (id bigint, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
