-- migrate:up
-- migrate:allow(drop-tables): typo
DROP TABLE legacy;
-- migrate:down
CREATE TABLE legacy (id INTEGER);
