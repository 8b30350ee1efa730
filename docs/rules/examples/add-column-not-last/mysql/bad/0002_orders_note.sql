-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50) AFTER id;
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
