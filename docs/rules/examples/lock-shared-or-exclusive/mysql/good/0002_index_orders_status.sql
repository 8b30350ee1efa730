-- migrate:up
CREATE INDEX orders_status_idx ON orders (status) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_status_idx ON orders;
