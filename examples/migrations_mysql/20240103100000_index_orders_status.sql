-- migrate:up
-- Give up after 5 s instead of queueing every query on the table behind the metadata lock.
SET SESSION lock_wait_timeout = 5;
-- Online DDL: the table stays writable while the index is built.
CREATE INDEX orders_status_idx ON orders (status) ALGORITHM=INPLACE LOCK=NONE;

-- migrate:down
SET SESSION lock_wait_timeout = 5;
DROP INDEX orders_status_idx ON orders;
