-- migrate:up
-- migrate:allow(drop-table)
DROP TABLE legacy;
-- migrate:down
CREATE TABLE legacy (id INTEGER);
