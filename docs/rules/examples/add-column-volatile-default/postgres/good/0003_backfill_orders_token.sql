-- migrate:up
-- migrate:no-transaction
UPDATE orders SET token = gen_random_uuid() WHERE id IN (SELECT id FROM orders WHERE token IS NULL LIMIT 5000);
-- migrate:irreversible: fills a column that 0002's down drops
