-- migrate:up
CREATE TABLE settings (key text PRIMARY KEY, value text);
-- migrate:down
DROP TABLE settings;
