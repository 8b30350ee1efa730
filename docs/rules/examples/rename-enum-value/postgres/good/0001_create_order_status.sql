-- migrate:up
-- migrate:allow(create-enum): the lifecycle of an order is fixed by the payment provider
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
-- migrate:down
DROP TYPE order_status;
