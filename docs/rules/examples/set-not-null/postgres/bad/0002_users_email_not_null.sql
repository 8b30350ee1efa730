-- migrate:up
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- migrate:down
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
