-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0);
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_quantity_positive;
