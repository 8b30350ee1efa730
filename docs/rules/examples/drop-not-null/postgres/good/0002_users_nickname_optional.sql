-- migrate:up
-- keep NOT NULL; new rows without a nickname get the empty string
ALTER TABLE users ALTER COLUMN nickname SET DEFAULT '';
-- migrate:down
ALTER TABLE users ALTER COLUMN nickname DROP DEFAULT;
