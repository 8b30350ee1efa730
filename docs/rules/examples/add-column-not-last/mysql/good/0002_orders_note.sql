-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50);
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
