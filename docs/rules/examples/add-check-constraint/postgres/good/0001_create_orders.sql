-- migrate:up
-- a new table: its constraints are checked against no rows
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL CHECK (amount >= 0));
-- migrate:down
DROP TABLE orders;
