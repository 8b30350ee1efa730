-- migrate:up
ALTER TABLE orders ADD UNIQUE INDEX orders_email_key (email), ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:down
ALTER TABLE orders DROP INDEX orders_email_key;
