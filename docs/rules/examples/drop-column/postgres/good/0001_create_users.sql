-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_login text);
-- migrate:down
DROP TABLE users;
