-- migrate:up
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
-- migrate:down
DROP TABLE sessions;
