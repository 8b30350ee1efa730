-- no-transaction
CREATE TABLE sqlx_style (id INTEGER);
-- migrate:irreversible: sqlx simple migrations have no down
