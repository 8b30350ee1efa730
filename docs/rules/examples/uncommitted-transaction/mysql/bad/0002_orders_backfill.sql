-- migrate:up
-- migrate:no-transaction
START TRANSACTION;
UPDATE orders SET status = 'new' WHERE status = '';
-- migrate:irreversible: data fix
