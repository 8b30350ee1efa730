-- migrate:up
SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD COLUMN note varchar(50);
-- migrate:down
SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders DROP COLUMN note;
