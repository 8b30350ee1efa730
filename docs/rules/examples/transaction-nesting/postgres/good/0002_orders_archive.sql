-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders_archive (id bigint PRIMARY KEY, status text);
INSERT INTO orders_archive SELECT id, status FROM orders WHERE status = 'closed';
COMMIT;
-- migrate:down
DROP TABLE orders_archive;
