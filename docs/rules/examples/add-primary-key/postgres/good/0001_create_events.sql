-- migrate:up
CREATE TABLE events (id bigint NOT NULL, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
