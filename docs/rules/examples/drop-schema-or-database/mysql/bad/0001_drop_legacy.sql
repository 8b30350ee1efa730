-- migrate:up
DROP DATABASE legacy_reports;
-- migrate:irreversible: the data is gone
