-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
-- a new table: nobody else uses it yet
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
-- migrate:down
DROP TABLE orders;
