-- migrate:up
ALTER TABLE orders ADD COLUMN shipped_at datetime NULL, ADD COLUMN delivered_at datetime NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN delivered_at, DROP COLUMN shipped_at;
