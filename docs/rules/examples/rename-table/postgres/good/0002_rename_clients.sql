-- migrate:up
ALTER TABLE clients RENAME TO customers;
-- old code keeps reading and writing through the updatable view
CREATE VIEW clients AS SELECT * FROM customers;
-- migrate:down
DROP VIEW clients;
ALTER TABLE customers RENAME TO clients;
