-- migrate:up
ALTER TABLE users ADD COLUMN name TEXT AFTER id;
-- migrate:down
ALTER TABLE users DROP COLUMN name;
