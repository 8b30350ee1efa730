-- migrate:up
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';
-- migrate:down
ALTER TYPE order_status RENAME VALUE 'dispatched' TO 'shipped';
