-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, kind text, CONSTRAINT events_kind_not_null NOT NULL kind);
-- migrate:down
DROP TABLE events;
