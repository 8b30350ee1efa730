-- migrate:env(dev, test)
INSERT OR ABORT INTO countries (code, name) VALUES ('fr', 'France');
CREATE INDEX countries_name ON countries (name);
