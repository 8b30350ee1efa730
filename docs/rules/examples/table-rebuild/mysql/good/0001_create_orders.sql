-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, KEY orders_status (status)) ENGINE=InnoDB DEFAULT CHARSET=latin1;
-- migrate:down
DROP TABLE orders;
