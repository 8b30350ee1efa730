-- migrate:up
CREATE TABLE order_statuses (name text PRIMARY KEY);
INSERT INTO order_statuses (name) VALUES ('pending'), ('paid'), ('shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL REFERENCES order_statuses (name));
CREATE INDEX orders_status_idx ON orders (status);
-- migrate:down
DROP TABLE orders;
DROP TABLE order_statuses;
