-- migrate:up
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quantity bigint NOT NULL
);
-- migrate:down
DROP TABLE orders;
