-- migrate:up
ALTER TABLE orders MODIFY note varchar(60), ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:irreversible: shrinking back would copy the table and cut long notes
