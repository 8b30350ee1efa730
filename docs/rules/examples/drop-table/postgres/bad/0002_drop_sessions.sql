-- migrate:up
DROP TABLE sessions;
-- migrate:down
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
