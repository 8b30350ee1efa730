-- migrate:up
ALTER TABLE settings ADD COLUMN value_json jsonb;
-- migrate:down
ALTER TABLE settings DROP COLUMN value_json;
