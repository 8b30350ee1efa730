-- migrate:up
ALTER TABLE orders ADD COLUMN status text;
UPDATE orders SET status = 'new';
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
