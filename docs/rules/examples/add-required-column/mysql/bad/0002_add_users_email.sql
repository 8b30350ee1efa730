-- migrate:up
ALTER TABLE users ADD COLUMN email varchar(255) NOT NULL;
-- migrate:down
ALTER TABLE users DROP COLUMN email;
