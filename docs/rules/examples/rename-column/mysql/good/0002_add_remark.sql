-- migrate:up
ALTER TABLE orders ADD COLUMN remark varchar(50);
-- migrate:down
ALTER TABLE orders DROP COLUMN remark;
