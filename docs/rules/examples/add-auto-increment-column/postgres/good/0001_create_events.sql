-- migrate:up
CREATE TABLE events (uuid uuid PRIMARY KEY, payload jsonb NOT NULL);
-- a new table: numbering no rows costs nothing
ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
-- migrate:down
DROP TABLE events;
