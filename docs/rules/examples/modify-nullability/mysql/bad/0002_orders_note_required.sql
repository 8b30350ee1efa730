-- migrate:up
ALTER TABLE orders MODIFY note varchar(50) NOT NULL;
-- migrate:down
ALTER TABLE orders MODIFY note varchar(50) NULL;
