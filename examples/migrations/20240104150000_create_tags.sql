-- migrate:up
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
INSERT INTO tags (name) VALUES ('rust'), ('sql'), ('migrations');

-- migrate:down
DROP TABLE post_tags;
DROP TABLE tags;
