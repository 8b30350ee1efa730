-- migrate:up
-- migrate:no-transaction
UPDATE orders SET status = 'new' WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
-- migrate:irreversible: a backfill has nothing to undo
