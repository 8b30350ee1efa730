-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, quantity int NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
