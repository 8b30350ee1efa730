-- migrate:up
ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (body);
-- migrate:down
ALTER TABLE articles DROP INDEX articles_body_ft;
