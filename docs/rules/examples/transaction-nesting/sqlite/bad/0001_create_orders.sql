-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT);
BEGIN;
COMMIT;
-- migrate:down
DROP TABLE orders;
