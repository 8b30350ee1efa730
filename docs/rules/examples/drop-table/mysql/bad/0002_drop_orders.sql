-- migrate:up
DROP TABLE orders;
-- migrate:down
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
