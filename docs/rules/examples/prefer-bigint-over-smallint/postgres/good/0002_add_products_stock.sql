-- migrate:up
ALTER TABLE products ADD COLUMN stock bigint;
-- migrate:down
ALTER TABLE products DROP COLUMN stock;
