-- migrate:up
UPDATE prices
SET currency = 'EUR',
    updated_at = now();
-- migrate:irreversible: the previous currencies are not kept
