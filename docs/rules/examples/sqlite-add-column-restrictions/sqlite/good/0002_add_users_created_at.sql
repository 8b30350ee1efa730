-- migrate:up
-- a constant default fills the existing rows; new rows get the time from the application
ALTER TABLE users ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01 00:00:00';
-- a plain column instead of a UNIQUE one: a unique index follows once it is filled
ALTER TABLE users ADD COLUMN handle TEXT;
-- migrate:down
ALTER TABLE users DROP COLUMN handle;
ALTER TABLE users DROP COLUMN created_at;
