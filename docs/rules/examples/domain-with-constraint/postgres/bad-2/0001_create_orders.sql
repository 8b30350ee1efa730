-- migrate:up
CREATE DOMAIN amount AS numeric;
CREATE TABLE orders (id bigint PRIMARY KEY, total amount NOT NULL);
-- migrate:down
DROP TABLE orders;
DROP DOMAIN amount;
