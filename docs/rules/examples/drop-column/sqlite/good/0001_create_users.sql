-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_login TEXT);
-- migrate:down
DROP TABLE users;
