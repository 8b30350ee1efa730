-- migrate:up
ALTER TABLE orders RENAME INDEX orders_status TO orders_status_idx, ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:down
ALTER TABLE orders RENAME INDEX orders_status_idx TO orders_status, ALGORITHM=INPLACE, LOCK=NONE;
