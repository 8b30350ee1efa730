-- migrate:up
BEGIN;
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
COMMIT;
-- migrate:down
DROP TABLE orders;
