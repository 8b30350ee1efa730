-- migrate:up
ALTER TABLE orders MODIFY note varchar(50) NULL COMMENT 'free text from the customer';
-- migrate:down
ALTER TABLE orders MODIFY note varchar(50) NULL;
