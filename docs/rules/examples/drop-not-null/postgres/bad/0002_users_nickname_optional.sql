-- migrate:up
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;
-- migrate:irreversible: rows written with a NULL nickname could not be made NOT NULL again
