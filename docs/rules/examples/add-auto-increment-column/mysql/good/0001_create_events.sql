-- migrate:up
CREATE TABLE events (seq bigint NOT NULL AUTO_INCREMENT, uuid char(36) NOT NULL, payload text, PRIMARY KEY (seq), UNIQUE KEY events_uuid_key (uuid)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE events;
