-- migrate:up
CREATE TABLE order_items (order_id bigint NOT NULL, line int NOT NULL, sku varchar(40) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE order_items ADD PRIMARY KEY (order_id, line);
-- migrate:down
DROP TABLE order_items;
