-- migrate:up
ALTER TABLE orders ADD INDEX orders_status_idx (status), ALGORITHM=COPY;
-- migrate:down
ALTER TABLE orders DROP INDEX orders_status_idx;
