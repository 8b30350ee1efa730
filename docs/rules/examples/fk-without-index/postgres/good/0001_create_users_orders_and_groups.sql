-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE groups (id bigint PRIMARY KEY);
-- the primary key's leading column serves the foreign key on user_id
CREATE TABLE memberships (
    user_id bigint NOT NULL REFERENCES users (id),
    group_id bigint NOT NULL REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX memberships_group_id_idx ON memberships (group_id);
-- migrate:down
DROP TABLE memberships;
DROP TABLE groups;
DROP TABLE orders;
DROP TABLE users;
