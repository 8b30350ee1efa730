-- migrate:up
ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR' REFERENCES currencies (code);
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
