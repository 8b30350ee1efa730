-- migrate:up
-- deployed after no code uses `clients` any more
DROP VIEW clients;
-- migrate:down
CREATE VIEW clients AS SELECT * FROM customers;
