-- migrate:up
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL AND id BETWEEN 1 AND 10000;
-- migrate:irreversible: data backfill
