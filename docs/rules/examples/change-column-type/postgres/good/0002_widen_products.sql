-- migrate:up
-- binary-coercible: only the catalog changes
ALTER TABLE products
  ALTER COLUMN sku TYPE varchar(40),
  ALTER COLUMN title TYPE text,
  ALTER COLUMN price TYPE numeric(14,2);
-- migrate:irreversible: narrowing the columns back would rewrite the table and could fail on longer values
