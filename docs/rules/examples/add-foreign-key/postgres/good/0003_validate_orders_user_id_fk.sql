-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fk;
-- migrate:irreversible: a validated constraint stays validated; 0002's down drops it
