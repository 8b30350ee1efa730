-- migrate:up
ALTER TABLE accounts ADD COLUMN display_name VARCHAR(255) NULL, ALGORITHM=INSTANT;

-- migrate:down
ALTER TABLE accounts DROP COLUMN display_name;
