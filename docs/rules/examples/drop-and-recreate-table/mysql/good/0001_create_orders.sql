-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20) NOT NULL, placed_at datetime NOT NULL, total_cents bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
