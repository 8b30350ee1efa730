-- migrate:up
ALTER TABLE orders ADD COLUMN currency char(3) NULL;
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
