-- migrate:up
-- Online DDL: the table stays writable while the index is built.
CREATE INDEX orders_status_idx ON orders (status) ALGORITHM=INPLACE LOCK=NONE;

-- migrate:down
DROP INDEX orders_status_idx ON orders;
