-- migrate:up
CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL);
-- migrate:down
DROP TABLE people;
