-- migrate:up
DROP SCHEMA legacy CASCADE;
-- migrate:irreversible: the legacy schema's data is gone
