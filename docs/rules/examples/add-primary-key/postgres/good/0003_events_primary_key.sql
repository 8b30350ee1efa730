-- migrate:up
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_pkey;
