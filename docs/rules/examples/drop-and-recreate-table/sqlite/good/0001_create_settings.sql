-- migrate:up
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
-- migrate:down
DROP TABLE settings;
