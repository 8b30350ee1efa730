-- migrate:up
CREATE TABLE countries (
    code char(2) PRIMARY KEY,
    name text NOT NULL
);
-- migrate:down
DROP TABLE countries;
