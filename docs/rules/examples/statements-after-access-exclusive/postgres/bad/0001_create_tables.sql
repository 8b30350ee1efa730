-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
