-- migrate:up
-- migrate:no-transaction
-- contains the primary key: cannot collide
CREATE UNIQUE INDEX CONCURRENTLY users_id_email_key ON users (id, email);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_id_email_key;
