-- migrate:up
ALTER TABLE orders CHANGE note remark varchar(50);
-- migrate:down
ALTER TABLE orders CHANGE remark note varchar(50);
