-- migrate:up
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
-- migrate:down
DROP TABLE sessions;
