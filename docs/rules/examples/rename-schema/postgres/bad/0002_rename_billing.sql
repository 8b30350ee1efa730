-- migrate:up
ALTER SCHEMA billing RENAME TO invoicing;
-- migrate:down
ALTER SCHEMA invoicing RENAME TO billing;
