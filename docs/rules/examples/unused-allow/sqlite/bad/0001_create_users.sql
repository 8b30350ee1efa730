-- migrate:up
-- migrate:allow(drop-table): not needed
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- migrate:down
DROP TABLE users;
