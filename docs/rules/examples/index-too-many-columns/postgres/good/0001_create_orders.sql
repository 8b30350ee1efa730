-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, total numeric NOT NULL);
CREATE INDEX orders_lookup_idx ON orders (user_id, status, created_at) INCLUDE (total);
-- migrate:down
DROP TABLE orders;
