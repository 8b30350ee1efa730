-- migrate:up
-- Nullable first; the application backfills it, a later migration can
-- require it (on SQLite through a table rebuild).
ALTER TABLE users ADD COLUMN display_name TEXT;

-- migrate:down
ALTER TABLE users DROP COLUMN display_name;
