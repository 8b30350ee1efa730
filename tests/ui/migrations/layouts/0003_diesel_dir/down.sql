DROP TABLE diesel;
