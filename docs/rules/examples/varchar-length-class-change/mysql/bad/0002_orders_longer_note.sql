-- migrate:up
ALTER TABLE orders MODIFY note varchar(100);
-- migrate:irreversible: shrinking back would copy the table and cut long notes
