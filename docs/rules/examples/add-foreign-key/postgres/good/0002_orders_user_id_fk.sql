-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- a new, empty table may reference an existing one: nothing to check
CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE INDEX invoices_user_id_idx ON invoices (user_id);
-- migrate:down
DROP TABLE invoices;
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk;
