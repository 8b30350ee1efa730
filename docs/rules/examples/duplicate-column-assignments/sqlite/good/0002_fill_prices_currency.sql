-- migrate:up
-- migrate:no-transaction
UPDATE prices
SET currency = 'EUR',
    updated_at = CURRENT_TIMESTAMP;
-- migrate:irreversible: the previous currencies are not kept
