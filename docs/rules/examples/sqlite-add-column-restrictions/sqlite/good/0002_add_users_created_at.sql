-- migrate:up
-- a constant default fills the existing rows; new rows get the time from the application
ALTER TABLE users ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01 00:00:00';
-- a plain column plus a unique index instead of a UNIQUE column
ALTER TABLE users ADD COLUMN handle TEXT;
CREATE UNIQUE INDEX users_handle_key ON users (handle);
-- migrate:down
DROP INDEX users_handle_key;
ALTER TABLE users DROP COLUMN handle;
ALTER TABLE users DROP COLUMN created_at;
