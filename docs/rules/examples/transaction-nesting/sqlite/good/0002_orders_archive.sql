-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders_archive (id INTEGER PRIMARY KEY, user_id INTEGER);
INSERT INTO orders_archive SELECT id, user_id FROM orders WHERE user_id IS NULL;
COMMIT;
-- migrate:down
DROP TABLE orders_archive;
