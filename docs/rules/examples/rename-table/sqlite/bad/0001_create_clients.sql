-- migrate:up
CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT);
-- migrate:down
DROP TABLE clients;
