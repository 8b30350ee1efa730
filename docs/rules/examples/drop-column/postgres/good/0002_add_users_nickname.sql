-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
-- migrate:down
-- removing what the up added
ALTER TABLE users DROP COLUMN nickname;
