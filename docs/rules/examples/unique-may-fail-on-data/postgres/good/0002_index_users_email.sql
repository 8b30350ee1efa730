-- migrate:up
-- migrate:no-transaction
-- migrate:allow(unique-may-fail-on-data): duplicates removed by the 2024-05 cleanup; the signup form checks first
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_email_key;
