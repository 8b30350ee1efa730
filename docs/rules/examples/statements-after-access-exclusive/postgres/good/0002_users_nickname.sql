-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
