-- migrate:up
-- migrate:no-transaction
VACUUM FULL events;
-- migrate:irreversible: compaction changes no schema, there is nothing to undo
