-- migrate:up
TRUNCATE sessions CASCADE;
-- migrate:irreversible: truncated rows cannot be restored
