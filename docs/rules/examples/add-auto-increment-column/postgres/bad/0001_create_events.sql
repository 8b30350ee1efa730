-- migrate:up
CREATE TABLE events (uuid uuid PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
