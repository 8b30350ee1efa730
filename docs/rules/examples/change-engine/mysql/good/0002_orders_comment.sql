-- migrate:up
ALTER TABLE orders COMMENT = 'customer orders';
-- migrate:down
ALTER TABLE orders COMMENT = '';
