-- migrate:up
CREATE TABLE products (id bigint PRIMARY KEY, sku varchar(20) NOT NULL, title varchar(100), price numeric(10,2));
-- migrate:down
DROP TABLE products;
