-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT);
ALTER TABLE users RENAME COLUMN mail TO email;
-- migrate:down
DROP TABLE users;
