-- migrate:up
-- the rows are copied first: a table rebuild, nothing is lost
CREATE TABLE new_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL DEFAULT '');
INSERT INTO new_settings (key, value) SELECT key, coalesce(value, '') FROM settings;
DROP TABLE settings;
ALTER TABLE new_settings RENAME TO settings;
-- migrate:irreversible: NULL values are not kept
