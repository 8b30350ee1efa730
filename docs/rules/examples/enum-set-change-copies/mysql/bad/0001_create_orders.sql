-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, state ENUM('new', 'paid', 'shipped') NOT NULL DEFAULT 'new') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
