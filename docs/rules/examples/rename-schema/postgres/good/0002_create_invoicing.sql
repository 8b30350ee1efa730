-- migrate:up
CREATE SCHEMA invoicing;
-- migrate:down
DROP SCHEMA invoicing;
