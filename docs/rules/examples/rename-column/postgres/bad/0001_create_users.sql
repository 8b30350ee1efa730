-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, mail text NOT NULL);
-- migrate:down
DROP TABLE users;
