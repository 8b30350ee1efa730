-- migrate:up
-- VIRTUAL: computed when read, added without touching the rows
ALTER TABLE people ADD COLUMN full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL;
-- migrate:down
ALTER TABLE people DROP COLUMN full_name;
