-- migrate:up
START TRANSACTION;
UPDATE orders SET status = 'new' WHERE status = '';
COMMIT;
-- migrate:irreversible: data fix
