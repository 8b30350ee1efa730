-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
ALTER TABLE orders ADD UNIQUE INDEX orders_email_key (email);
-- migrate:down
DROP TABLE orders;
