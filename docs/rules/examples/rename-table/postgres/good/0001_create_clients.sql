-- migrate:up
CREATE TABLE clients (id bigint PRIMARY KEY, name text NOT NULL);
-- migrate:down
DROP TABLE clients;
