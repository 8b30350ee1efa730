-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- a new table: nobody else is writing to it yet
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
