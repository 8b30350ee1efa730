-- migrate:up
ALTER TABLE products VALIDATE CONSTRAINT products_code_check;
-- migrate:irreversible: validating only reads the rows
