-- migrate:up
ALTER TABLE events ADD COLUMN seq bigint NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY events_seq_key (seq);
-- migrate:down
ALTER TABLE events DROP COLUMN seq;
