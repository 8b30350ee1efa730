-- migrate:up
UPDATE orders SET status = 'new' WHERE status = '';
-- migrate:irreversible: data fix
