-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);
INSERT INTO new_orders (id, user_id) SELECT id, user_id FROM orders;
-- migrate:allow(drop-foreign-key): users move to the identity service in 5.0; billing checks user ids on write
DROP TABLE orders;
ALTER TABLE new_orders RENAME TO orders;
CREATE INDEX orders_user_id_idx ON orders (user_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
-- migrate:irreversible: the reference is enforced by the billing service from now on
