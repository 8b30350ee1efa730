-- migrate:up
DROP TABLE sessions;
-- migrate:down
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
