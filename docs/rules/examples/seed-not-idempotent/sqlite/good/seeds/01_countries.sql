INSERT OR IGNORE INTO countries (code, name) VALUES ('fr', 'France');
INSERT OR REPLACE INTO countries (code, name) VALUES ('de', 'Germany');
INSERT INTO countries (code, name) VALUES ('it', 'Italy')
ON CONFLICT (code) DO UPDATE SET name = excluded.name;
