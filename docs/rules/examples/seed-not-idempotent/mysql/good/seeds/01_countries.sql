INSERT INTO countries (code, name) VALUES ('fr', 'France')
ON DUPLICATE KEY UPDATE name = VALUES(name);
INSERT IGNORE INTO countries (code, name) VALUES ('de', 'Germany');
REPLACE INTO countries (code, name) VALUES ('it', 'Italy');
UPDATE countries SET name = 'Czechia' WHERE code = 'cz';
