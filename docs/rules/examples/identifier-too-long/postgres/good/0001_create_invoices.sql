-- migrate:up
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL
);
CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);
-- migrate:down
DROP TABLE invoices;
