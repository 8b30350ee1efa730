-- migrate:up
CREATE TABLE events (uuid char(36) NOT NULL, payload text, PRIMARY KEY (uuid)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE events;
