-- migrate:up
ALTER TABLE line_items ALTER COLUMN quantity TYPE bigint;
-- migrate:irreversible: narrowing back to integer could fail on large values
