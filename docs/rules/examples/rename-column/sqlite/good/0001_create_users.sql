-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
