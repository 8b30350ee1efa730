-- migrate:up
ALTER TABLE orders ADD COLUMN placed_at datetime DEFAULT (now());
-- migrate:down
ALTER TABLE orders DROP COLUMN placed_at;
