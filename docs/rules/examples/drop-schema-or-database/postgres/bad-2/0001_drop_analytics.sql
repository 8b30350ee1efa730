-- migrate:up
-- migrate:no-transaction
DROP DATABASE analytics;
-- migrate:irreversible: the analytics database is gone
