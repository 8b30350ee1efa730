-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
-- Nullable, no default: a catalog-only change.
ALTER TABLE accounts ADD COLUMN display_name text;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
ALTER TABLE accounts DROP COLUMN display_name;
