-- migrate:up
DROP TABLE IF EXISTS settings;
CREATE TABLE settings (key text PRIMARY KEY, value jsonb NOT NULL);
-- migrate:down
DROP TABLE settings;
CREATE TABLE settings (key text PRIMARY KEY, value text);
