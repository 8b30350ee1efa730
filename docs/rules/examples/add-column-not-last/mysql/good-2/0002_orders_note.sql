-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50) AFTER id, ALGORITHM=INSTANT;
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
