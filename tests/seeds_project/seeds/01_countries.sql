-- Reference data: runs in every environment, again whenever this file changes.
INSERT INTO countries (code, name) VALUES ('fr', 'France'), ('de', 'Germany')
ON CONFLICT (code) DO UPDATE SET name = excluded.name;
