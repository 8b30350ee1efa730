-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, total INTEGER NOT NULL);
CREATE INDEX orders_lookup_idx ON orders (user_id, status, created_at);
-- migrate:down
DROP TABLE orders;
