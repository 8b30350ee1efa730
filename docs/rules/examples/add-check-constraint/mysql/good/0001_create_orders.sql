-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, quantity int NOT NULL, CONSTRAINT orders_quantity_positive CHECK (quantity > 0)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
