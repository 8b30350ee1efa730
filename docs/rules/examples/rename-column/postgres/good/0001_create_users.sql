-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, mail text NOT NULL);
CREATE TABLE user_notes (id bigint PRIMARY KEY, txt text);
-- a new table: no code uses the old name yet
ALTER TABLE user_notes RENAME COLUMN txt TO body;
-- migrate:down
DROP TABLE user_notes;
DROP TABLE users;
