-- migrate:up
-- a new table starts in the right tablespace; rows move over in batches
CREATE TABLE events_archive (id bigint PRIMARY KEY, payload jsonb NOT NULL) TABLESPACE archive;
-- migrate:down
DROP TABLE events_archive;
