-- migrate:up
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_id_user_idx ON orders (id, user_id);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY orders_id_user_idx;
