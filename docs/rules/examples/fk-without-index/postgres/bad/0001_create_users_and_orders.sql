-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
