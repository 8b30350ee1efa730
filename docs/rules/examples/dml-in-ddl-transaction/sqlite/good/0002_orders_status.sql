-- migrate:up
ALTER TABLE orders ADD COLUMN status TEXT;
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
