-- migrate:up
ALTER TABLE clients RENAME TO customers;
-- migrate:down
ALTER TABLE customers RENAME TO clients;
