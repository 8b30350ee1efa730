-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
COMMIT;
-- migrate:down
DROP TABLE orders;
