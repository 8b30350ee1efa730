-- migrate:up
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(40) NOT NULL) ENGINE=InnoDB;
-- migrate:irreversible: the old rows are gone
