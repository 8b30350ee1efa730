-- migrate:up
CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity int NOT NULL, price_cents bigint NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE order_lines;
