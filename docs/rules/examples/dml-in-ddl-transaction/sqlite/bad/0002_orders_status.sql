-- migrate:up
ALTER TABLE orders ADD COLUMN status TEXT;
UPDATE orders SET status = 'new';
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
