-- migrate:up
ALTER TABLE people ADD COLUMN full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED;
-- migrate:down
ALTER TABLE people DROP COLUMN full_name;
