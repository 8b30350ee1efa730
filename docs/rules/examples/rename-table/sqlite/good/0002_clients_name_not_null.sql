-- migrate:up
-- the table rebuild: the new table takes the old name, code keeps finding `clients`
CREATE TABLE new_clients (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
INSERT INTO new_clients (id, name) SELECT id, coalesce(name, '') FROM clients;
DROP TABLE clients;
ALTER TABLE new_clients RENAME TO clients;
-- migrate:down
CREATE TABLE old_clients (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO old_clients (id, name) SELECT id, name FROM clients;
DROP TABLE clients;
ALTER TABLE old_clients RENAME TO clients;
