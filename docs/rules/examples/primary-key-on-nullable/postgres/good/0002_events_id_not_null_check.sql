-- migrate:up
ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_id_not_null;
