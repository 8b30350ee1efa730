-- migrate:up
ALTER TABLE orders MODIFY state ENUM('new', 'cancelled', 'paid', 'shipped') NOT NULL DEFAULT 'new';
-- migrate:irreversible: removing 'cancelled' would rewrite rows that use it
