-- migrate:up
-- expand: the application writes both columns, a later migration backfills
-- `email` in batches, reads switch, and a last one drops `mail`
ALTER TABLE users ADD COLUMN email TEXT;
-- migrate:down
ALTER TABLE users DROP COLUMN email;
