-- migrate:up
ALTER TABLE products
  DROP CONSTRAINT products_code_check,
  ALTER COLUMN code TYPE varchar(40),
  ADD CONSTRAINT products_code_check CHECK (code <> '') NOT VALID;
-- migrate:irreversible: narrowing back would rewrite the table and could fail on longer codes
