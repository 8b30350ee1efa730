-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
