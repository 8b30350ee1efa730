-- migrate:up
CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0);
-- migrate:down
DROP DOMAIN positive_amount;
