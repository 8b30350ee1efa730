-- migrate:up
ALTER TABLE orders MODIFY state ENUM('new', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'new', ALGORITHM=INSTANT;
-- migrate:irreversible: removing 'cancelled' would rewrite rows that use it
