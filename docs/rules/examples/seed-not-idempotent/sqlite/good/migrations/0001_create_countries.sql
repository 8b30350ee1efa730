-- migrate:up
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL);
-- migrate:down
DROP TABLE countries;
