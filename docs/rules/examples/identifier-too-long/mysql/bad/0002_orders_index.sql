-- migrate:up
CREATE INDEX index_orders_on_status_for_the_nightly_reconciliation_and_refund_report_job ON orders (status);
-- migrate:down
DROP INDEX index_orders_on_status_for_the_nightly_reconciliation_and_refund_report_job ON orders;
