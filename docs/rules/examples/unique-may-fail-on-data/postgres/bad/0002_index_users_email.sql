-- migrate:up
-- migrate:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_email_key;
