-- migrate:up
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_key;
