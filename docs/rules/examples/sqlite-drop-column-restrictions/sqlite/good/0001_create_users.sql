-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_login TEXT);
CREATE INDEX users_legacy_login_idx ON users (legacy_login);
-- migrate:down
DROP TABLE users;
