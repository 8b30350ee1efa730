-- migrate:up
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 255)
);
-- migrate:down
DROP TABLE users;
