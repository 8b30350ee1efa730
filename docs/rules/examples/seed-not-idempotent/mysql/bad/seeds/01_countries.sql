ALTER TABLE countries ADD COLUMN flag VARCHAR(8);
UPDATE countries SET name = UPPER(name);
INSERT INTO countries (code, name) VALUES ('fr', 'France');
