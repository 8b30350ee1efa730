-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
