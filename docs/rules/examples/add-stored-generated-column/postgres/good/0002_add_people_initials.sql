-- migrate:up
-- a plain column, filled for new rows by the application, backfilled in batches later
ALTER TABLE people ADD COLUMN initials text;
-- migrate:down
ALTER TABLE people DROP COLUMN initials;
