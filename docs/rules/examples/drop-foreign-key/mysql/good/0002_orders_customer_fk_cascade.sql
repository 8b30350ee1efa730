-- migrate:up
SET foreign_key_checks = 0;
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk, ADD CONSTRAINT orders_customer_fk_2 FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
-- migrate:down
SET foreign_key_checks = 0;
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk_2, ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
