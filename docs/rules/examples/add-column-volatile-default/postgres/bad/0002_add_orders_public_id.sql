-- migrate:up
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
-- migrate:down
ALTER TABLE orders DROP COLUMN public_id;
