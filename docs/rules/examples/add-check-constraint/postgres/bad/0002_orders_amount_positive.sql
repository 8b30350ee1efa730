-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;
