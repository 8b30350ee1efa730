-- migrate:up
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    happened_at timestamp NOT NULL DEFAULT now()
);
-- migrate:down
DROP TABLE events;
