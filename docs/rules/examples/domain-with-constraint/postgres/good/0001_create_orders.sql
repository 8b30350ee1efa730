-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL CHECK (total > 0));
-- migrate:down
DROP TABLE orders;
