-- migrate:up
CREATE TABLE prices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amount bigint NOT NULL,
    currency text NOT NULL,
    updated_at timestamptz
);
-- migrate:down
DROP TABLE prices;
