-- migrate:up
ALTER TABLE orders ADD COLUMN quantity_big bigint NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN quantity_big;
