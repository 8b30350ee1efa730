-- migrate:up
-- not a foreign key: not this rule
ALTER TABLE orders DROP CONSTRAINT orders_amount_check;
-- migrate:allow(drop-foreign-key): users move to the identity service in 5.0; billing checks user ids on write
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk;
-- migrate:down
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;
