-- migrate:up
CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    name text NOT NULL
);
-- migrate:down
DROP TABLE accounts;
