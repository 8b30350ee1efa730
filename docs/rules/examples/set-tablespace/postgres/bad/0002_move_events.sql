-- migrate:up
ALTER TABLE events SET TABLESPACE archive;
-- migrate:down
ALTER TABLE events SET TABLESPACE pg_default;
