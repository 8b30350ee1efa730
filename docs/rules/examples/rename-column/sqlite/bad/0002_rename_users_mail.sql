-- migrate:up
ALTER TABLE users RENAME COLUMN mail TO email;
-- migrate:down
ALTER TABLE users RENAME COLUMN email TO mail;
