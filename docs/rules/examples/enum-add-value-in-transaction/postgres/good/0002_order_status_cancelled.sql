-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled' AFTER 'shipped';
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
