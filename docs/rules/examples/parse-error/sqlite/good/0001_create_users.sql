-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = ON;
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- migrate:down
DROP TABLE users;
