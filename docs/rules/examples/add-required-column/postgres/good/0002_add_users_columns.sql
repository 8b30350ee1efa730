-- migrate:up
ALTER TABLE users ADD COLUMN email text;
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
-- migrate:down
ALTER TABLE users DROP COLUMN active;
ALTER TABLE users DROP COLUMN email;
