-- migrate:up
-- migrate:allow(drop-table): sessions moved to Redis in v4.2; no reader left
DROP TABLE sessions;
-- migrate:down
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
