-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');
INSERT INTO new_users (id, email) SELECT id, coalesce(email, '') FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
CREATE INDEX users_email_idx ON users (email);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
-- migrate:irreversible: the NULL emails are not kept
