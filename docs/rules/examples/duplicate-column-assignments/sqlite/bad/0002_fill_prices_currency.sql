-- migrate:up
-- migrate:no-transaction
UPDATE prices
SET currency = 'EUR',
    currency = CURRENT_TIMESTAMP;
-- migrate:irreversible: the previous currencies are not kept
