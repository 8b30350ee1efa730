-- migrate:up
ALTER TABLE orders MODIFY quantity bigint NOT NULL;
-- migrate:irreversible: narrowing back could overflow
