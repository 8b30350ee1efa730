-- migrate:up
CREATE TABLE products (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- migrate:down
DROP TABLE products;
