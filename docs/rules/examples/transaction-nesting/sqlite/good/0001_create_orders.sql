-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);
-- migrate:down
DROP TABLE orders;
