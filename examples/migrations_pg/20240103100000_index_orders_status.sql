-- migrate:up
-- migrate:no-transaction
-- `orders` is live by now: build the indexes without blocking writes. Each
-- statement runs on its own, outside any transaction, tracked one by one.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);

-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_created_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
