-- migrate:up
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_pkey;
