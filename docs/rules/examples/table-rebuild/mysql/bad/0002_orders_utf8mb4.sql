-- migrate:up
ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
-- migrate:irreversible: converting back could lose characters
