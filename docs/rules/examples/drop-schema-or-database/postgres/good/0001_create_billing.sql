-- migrate:up
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE billing.invoices;
-- RESTRICT: fails rather than delete anything not listed above
DROP SCHEMA billing;
