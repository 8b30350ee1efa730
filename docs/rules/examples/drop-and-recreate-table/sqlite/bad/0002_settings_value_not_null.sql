-- migrate:up
DROP TABLE IF EXISTS settings;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- migrate:down
DROP TABLE settings;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
