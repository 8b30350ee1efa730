-- migrate:up
CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
-- migrate:down
DROP TABLE countries;
