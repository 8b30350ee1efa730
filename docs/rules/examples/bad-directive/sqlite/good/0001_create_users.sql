-- migrate:up
-- migrate:allow(drop-table): legacy has been unused since v2
DROP TABLE IF EXISTS legacy;
-- migrate:down
CREATE TABLE legacy (id INTEGER);
