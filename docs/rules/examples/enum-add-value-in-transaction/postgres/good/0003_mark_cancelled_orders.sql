-- migrate:up
UPDATE orders SET status = 'cancelled' WHERE cancelled_at IS NOT NULL;
-- migrate:irreversible: which orders were cancelled before is not recorded
