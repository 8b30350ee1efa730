-- migrate:up
-- Every orders.customer_id was checked against customers by the previous release's job.
SET foreign_key_checks = 0;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
-- migrate:down
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk;
