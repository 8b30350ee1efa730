-- migrate:up
-- migrate:no-transaction
-- migrate:allow(unique-may-fail-on-data): ids come from one sequence; checked with GROUP BY id HAVING count(*) > 1
CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY events_pkey;
