-- migrate:up
-- migrate:no-transaction
-- each statement commits on its own: the ADD's lock is gone before the scan
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;
