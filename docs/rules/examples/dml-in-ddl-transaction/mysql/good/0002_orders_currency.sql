-- migrate:up
ALTER TABLE orders ADD COLUMN currency char(3) NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
