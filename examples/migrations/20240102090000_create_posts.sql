-- migrate:up
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
-- A new table: indexing it locks nobody out.
CREATE INDEX posts_user_id_idx ON posts (user_id);

-- migrate:down
DROP TABLE posts;
