-- migrate:up
ALTER TABLE orders DROP COLUMN note;
-- migrate:down
ALTER TABLE orders ADD COLUMN note varchar(50);
