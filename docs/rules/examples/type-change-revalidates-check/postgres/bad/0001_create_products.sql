-- migrate:up
CREATE TABLE products (
  id bigint PRIMARY KEY,
  code varchar(20) NOT NULL CONSTRAINT products_code_check CHECK (code <> '')
);
-- migrate:down
DROP TABLE products;
