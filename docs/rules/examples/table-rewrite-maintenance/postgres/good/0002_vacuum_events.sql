-- migrate:up
-- migrate:no-transaction
-- space for reuse and fresh statistics, without a rewrite; pg_repack compacts outside migrations
VACUUM (ANALYZE) events;
-- migrate:irreversible: vacuuming changes no schema, there is nothing to undo
