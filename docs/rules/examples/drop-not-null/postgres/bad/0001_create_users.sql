-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, nickname text NOT NULL);
-- migrate:down
DROP TABLE users;
