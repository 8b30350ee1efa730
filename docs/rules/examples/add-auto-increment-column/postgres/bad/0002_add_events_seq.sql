-- migrate:up
ALTER TABLE events ADD COLUMN seq bigserial;
-- migrate:down
ALTER TABLE events DROP COLUMN seq;
