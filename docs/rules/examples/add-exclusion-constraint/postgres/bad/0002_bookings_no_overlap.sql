-- migrate:up
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
-- migrate:down
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
