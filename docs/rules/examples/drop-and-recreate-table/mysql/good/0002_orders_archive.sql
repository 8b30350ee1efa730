-- migrate:up
CREATE TABLE IF NOT EXISTS orders_archive (id bigint PRIMARY KEY, customer_id bigint NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders_archive;
