-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
