-- migrate:up
CREATE INDEX orders_report_idx ON orders (customer_id, status, placed_at) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_report_idx ON orders;
