-- migrate:up
-- migrate:no-transaction
DROP INDEX CONCURRENTLY orders_user_id_idx;
-- migrate:down
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
