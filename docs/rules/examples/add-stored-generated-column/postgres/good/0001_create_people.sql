-- migrate:up
CREATE TABLE people (
  id bigint PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  -- a new table: computing the column for no rows costs nothing
  full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
);
-- migrate:down
DROP TABLE people;
