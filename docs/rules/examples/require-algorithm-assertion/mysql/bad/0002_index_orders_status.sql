-- migrate:up
CREATE INDEX orders_status_idx ON orders (status);
-- migrate:down
DROP INDEX orders_status_idx ON orders;
