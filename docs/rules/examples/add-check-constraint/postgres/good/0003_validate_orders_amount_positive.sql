-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
-- migrate:irreversible: a validated constraint stays validated; 0002's down drops it
