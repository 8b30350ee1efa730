-- migrate:up
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
