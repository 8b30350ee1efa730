-- migrate:up
CREATE TABLE line_items (id bigint PRIMARY KEY, quantity integer NOT NULL);
-- migrate:down
DROP TABLE line_items;
