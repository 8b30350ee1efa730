-- migrate:up
CREATE TABLE bookings (id bigint PRIMARY KEY, room bigint NOT NULL, during tstzrange NOT NULL);
-- a new table: nobody reads or writes it yet
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
-- migrate:down
DROP TABLE bookings;
