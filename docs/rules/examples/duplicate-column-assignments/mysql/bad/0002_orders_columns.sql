-- migrate:up
ALTER TABLE orders ADD COLUMN shipped_at datetime NULL, ADD COLUMN shipped_at datetime NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN shipped_at;
