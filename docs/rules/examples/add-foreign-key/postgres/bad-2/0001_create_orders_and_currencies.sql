-- migrate:up
CREATE TABLE currencies (code text PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
DROP TABLE currencies;
