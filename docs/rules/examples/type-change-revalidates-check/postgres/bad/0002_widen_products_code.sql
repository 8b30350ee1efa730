-- migrate:up
ALTER TABLE products ALTER COLUMN code TYPE varchar(40);
-- migrate:irreversible: narrowing back would rewrite the table and could fail on longer codes
