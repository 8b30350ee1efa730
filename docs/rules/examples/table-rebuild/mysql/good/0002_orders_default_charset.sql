-- migrate:up
ALTER TABLE orders DEFAULT CHARACTER SET utf8mb4;
-- migrate:down
ALTER TABLE orders DEFAULT CHARACTER SET latin1;
