-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
