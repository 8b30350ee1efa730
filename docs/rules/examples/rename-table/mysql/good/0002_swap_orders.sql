-- migrate:up
CREATE TABLE orders_new LIKE orders;
-- migrate:down
DROP TABLE orders_new;
