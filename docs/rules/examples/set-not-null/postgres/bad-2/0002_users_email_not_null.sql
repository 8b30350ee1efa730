-- migrate:up
-- the PostgreSQL 18 constraint form scans just the same without NOT VALID
ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email;
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
