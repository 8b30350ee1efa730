-- migrate:up
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
-- migrate:down
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
