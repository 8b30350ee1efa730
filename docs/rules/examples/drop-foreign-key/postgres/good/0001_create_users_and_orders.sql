-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL CONSTRAINT orders_user_id_fk REFERENCES users (id),
    amount numeric NOT NULL CONSTRAINT orders_amount_check CHECK (amount >= 0)
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
