-- migrate:up
ALTER TABLE orders MODIFY status varchar(20) NOT NULL COMMENT 'new, paid or shipped';
-- migrate:down
ALTER TABLE orders MODIFY status varchar(20) NOT NULL;
