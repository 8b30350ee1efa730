-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text;
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE users DROP COLUMN nickname;
