-- migrate:env(dev, test)
INSERT INTO countries (code, name)
SELECT 'zz', 'Testland'
WHERE NOT EXISTS (SELECT 1 FROM countries WHERE code = 'zz');
