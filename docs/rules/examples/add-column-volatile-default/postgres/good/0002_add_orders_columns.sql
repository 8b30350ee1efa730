-- migrate:up
-- stable and constant defaults are stored once (PostgreSQL >= 11): no rewrite
ALTER TABLE orders
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN token uuid;
-- a default set afterwards applies to new rows only
ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
-- migrate:down
ALTER TABLE orders DROP COLUMN token, DROP COLUMN tags, DROP COLUMN created_at;
