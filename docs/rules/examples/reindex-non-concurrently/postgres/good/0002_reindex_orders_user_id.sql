-- migrate:up
-- migrate:no-transaction
REINDEX INDEX CONCURRENTLY orders_user_id_idx;
-- migrate:irreversible: a rebuilt index changes no schema, there is nothing to undo
