DROP TABLE flyway;
