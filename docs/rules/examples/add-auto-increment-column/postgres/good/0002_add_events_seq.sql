-- migrate:up
CREATE SEQUENCE events_seq_seq;
ALTER TABLE events ADD COLUMN seq bigint;
-- a separate statement: the default numbers new rows only
ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('events_seq_seq');
-- migrate:down
ALTER TABLE events DROP COLUMN seq;
DROP SEQUENCE events_seq_seq;
