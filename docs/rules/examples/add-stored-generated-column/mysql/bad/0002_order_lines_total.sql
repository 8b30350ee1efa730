-- migrate:up
ALTER TABLE order_lines ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * price_cents) STORED;
-- migrate:down
ALTER TABLE order_lines DROP COLUMN total_cents;
