-- migrate:up
-- migrate:allow(unique-may-fail-on-data): duplicates removed by the 2024-05 cleanup; the signup form checks first
CREATE UNIQUE INDEX users_email_key ON users (email);
-- contains the primary key: cannot collide
CREATE UNIQUE INDEX users_id_email_key ON users (id, email);
-- migrate:down
DROP INDEX users_id_email_key;
DROP INDEX users_email_key;
