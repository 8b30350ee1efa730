-- migrate:up
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;
