-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
