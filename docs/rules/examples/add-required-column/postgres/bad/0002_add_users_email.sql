-- migrate:up
ALTER TABLE users ADD COLUMN email text NOT NULL;
-- migrate:down
ALTER TABLE users DROP COLUMN email;
