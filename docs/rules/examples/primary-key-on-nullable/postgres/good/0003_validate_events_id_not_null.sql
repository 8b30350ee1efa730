-- migrate:up
ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;
-- migrate:down
SELECT 1;
