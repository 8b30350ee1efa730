-- migrate:up
ALTER TABLE orders ADD COLUMN tracking_code varchar(40), ADD INDEX orders_tracking_idx (tracking_code);
-- migrate:down
ALTER TABLE orders DROP INDEX orders_tracking_idx, DROP COLUMN tracking_code;
