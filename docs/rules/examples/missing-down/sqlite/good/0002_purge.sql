-- migrate:up
DELETE FROM users WHERE id < 0;
-- migrate:irreversible: deleted rows cannot be restored
