-- migrate:up
UPDATE prices
SET currency = 'EUR',
    currency = now();
-- migrate:irreversible: the previous currencies are not kept
