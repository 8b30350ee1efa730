-- migrate:up
ALTER TABLE orders MODIFY status varchar(20) NULL;
-- migrate:down
ALTER TABLE orders MODIFY status varchar(20) NOT NULL;
