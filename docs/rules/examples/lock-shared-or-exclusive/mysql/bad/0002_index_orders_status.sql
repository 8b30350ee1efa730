-- migrate:up
CREATE INDEX orders_status_idx ON orders (status) LOCK=SHARED;
-- migrate:down
DROP INDEX orders_status_idx ON orders;
