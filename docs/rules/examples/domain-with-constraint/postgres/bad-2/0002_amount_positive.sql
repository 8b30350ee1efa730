-- migrate:up
ALTER DOMAIN amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0);
-- migrate:down
ALTER DOMAIN amount DROP CONSTRAINT amount_positive;
