-- migrate:up
CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(80) NOT NULL);
-- migrate:down
DROP TABLE countries;
