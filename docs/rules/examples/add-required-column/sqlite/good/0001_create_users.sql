-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY);
ALTER TABLE users ADD COLUMN email TEXT NOT NULL;
-- migrate:down
DROP TABLE users;
