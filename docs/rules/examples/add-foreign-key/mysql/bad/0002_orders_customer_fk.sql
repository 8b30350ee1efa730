-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
-- migrate:down
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk;
