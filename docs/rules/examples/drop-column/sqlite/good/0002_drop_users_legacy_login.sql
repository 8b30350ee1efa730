-- migrate:up
-- migrate:allow(drop-column): no reader since release 4.2; data archived to legacy_login.csv
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
