-- migrate:up
DROP INDEX users_legacy_login_idx;
-- migrate:allow(drop-column): no reader since release 4.2
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
CREATE INDEX users_legacy_login_idx ON users (legacy_login);
