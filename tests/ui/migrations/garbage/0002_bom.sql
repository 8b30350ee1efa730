-- migrate:up
CREATE TABLE bom (id INTEGER);
-- migrate:down
DROP TABLE bom;
