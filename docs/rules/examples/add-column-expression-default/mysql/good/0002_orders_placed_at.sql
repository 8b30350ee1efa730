-- migrate:up
ALTER TABLE orders ADD COLUMN placed_at datetime NULL DEFAULT CURRENT_TIMESTAMP;
-- migrate:down
ALTER TABLE orders DROP COLUMN placed_at;
