-- migrate:up
CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL, updated_at TEXT);
-- migrate:down
DROP TABLE prices;
