-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
