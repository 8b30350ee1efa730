-- migrate:env(dev, test)
INSERT OR IGNORE INTO countries (code, name) VALUES ('zz', 'Testland');
