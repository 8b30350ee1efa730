-- migrate:up
-- migrate:allow(drop-table): orders moved to the billing service in v5; data exported
DROP TABLE orders;
-- migrate:down
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
