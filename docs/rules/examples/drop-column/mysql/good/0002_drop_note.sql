-- migrate:up
-- migrate:allow(drop-column): no release since v3.2 reads or writes orders.note; archived to S3
ALTER TABLE orders DROP COLUMN note;
-- migrate:down
ALTER TABLE orders ADD COLUMN note varchar(50);
