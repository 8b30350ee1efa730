-- migrate:up
ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0);
-- migrate:down
ALTER TABLE orders DROP COLUMN discount;
