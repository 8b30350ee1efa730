-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'dispatched' AFTER 'shipped';
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
