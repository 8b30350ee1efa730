DELETE FROM countries WHERE code = 'yu';
INSERT INTO countries (code, name) VALUES ('fr', 'France'), ('de', 'Germany')
ON CONFLICT (code) DO UPDATE SET name = excluded.name;
