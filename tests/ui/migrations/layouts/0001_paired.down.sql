DROP TABLE paired;
