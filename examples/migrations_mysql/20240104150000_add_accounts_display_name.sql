-- migrate:up
-- Give up after 5 s instead of queueing every query on the table behind the metadata lock.
SET SESSION lock_wait_timeout = 5;
ALTER TABLE accounts ADD COLUMN display_name VARCHAR(255) NULL, ALGORITHM=INSTANT;

-- migrate:down
SET SESSION lock_wait_timeout = 5;
ALTER TABLE accounts DROP COLUMN display_name;
