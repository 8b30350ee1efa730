-- migrate:up
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL
);
CREATE INDEX invoices_customer_id_for_the_monthly_billing_and_dunning_report_lookup_idx ON invoices (customer_id);
-- migrate:down
DROP TABLE invoices;
