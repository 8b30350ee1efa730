-- migrate:up
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- migrate:down
DROP TABLE public.orders;
