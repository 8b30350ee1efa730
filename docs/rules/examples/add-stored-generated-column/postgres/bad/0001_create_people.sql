-- migrate:up
CREATE TABLE people (id bigint PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
-- migrate:down
DROP TABLE people;
