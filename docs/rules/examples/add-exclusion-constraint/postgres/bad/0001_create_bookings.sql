-- migrate:up
CREATE TABLE bookings (id bigint PRIMARY KEY, room bigint NOT NULL, during tstzrange NOT NULL);
-- migrate:down
DROP TABLE bookings;
