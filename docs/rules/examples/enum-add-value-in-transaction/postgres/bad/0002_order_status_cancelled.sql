-- migrate:up
ALTER TYPE order_status ADD VALUE 'cancelled' AFTER 'shipped';
UPDATE orders SET status = 'cancelled' WHERE cancelled_at IS NOT NULL;
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
