-- migrate:up
CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');
INSERT INTO new_users (id, email) SELECT id, coalesce(email, '') FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
-- migrate:down
ALTER TABLE users RENAME COLUMN email TO email_required;
ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = email_required;
ALTER TABLE users DROP COLUMN email_required;
