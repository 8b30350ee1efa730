-- migrate:up
-- reads the rows under SHARE UPDATE EXCLUSIVE; the column is NOT NULL afterwards
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
-- migrate:irreversible: validating only reads the rows; 0002's down drops the constraint
