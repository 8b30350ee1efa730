-- migrate:up
ALTER TABLE users ADD COLUMN email TEXT NOT NULL;
-- migrate:down
ALTER TABLE users DROP COLUMN email;
