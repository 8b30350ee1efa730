-- migrate:up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
-- migrate:down
DROP TYPE order_status;
