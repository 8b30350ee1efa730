-- migrate:up
ALTER TABLE products ADD COLUMN stock smallint;
-- migrate:down
ALTER TABLE products DROP COLUMN stock;
