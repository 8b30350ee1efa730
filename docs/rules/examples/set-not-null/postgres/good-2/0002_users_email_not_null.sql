-- migrate:up
-- PostgreSQL 18: the NOT NULL constraint itself, NOT VALID: no scan now
ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
