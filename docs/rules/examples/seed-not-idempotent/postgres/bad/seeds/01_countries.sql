DELETE FROM countries;
INSERT INTO countries (code, name) VALUES ('fr', 'France'), ('de', 'Germany');
