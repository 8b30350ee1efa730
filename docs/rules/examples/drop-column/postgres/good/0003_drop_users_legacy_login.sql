-- migrate:up
-- migrate:allow(drop-column): no reader since release 4.2 (ignored_columns); data archived to s3://backups/legacy_login.csv
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login text;
