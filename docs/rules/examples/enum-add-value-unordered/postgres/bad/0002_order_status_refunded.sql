-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE 'refunded';
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
