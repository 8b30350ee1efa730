-- migrate:up
ALTER TABLE orders ADD COLUMN tracking_code varchar(40);
CREATE INDEX orders_tracking_idx ON orders (tracking_code) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_tracking_idx ON orders;
ALTER TABLE orders DROP COLUMN tracking_code;
