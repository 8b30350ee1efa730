-- migrate:up
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
-- migrate:down
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
