-- migrate:up
CREATE TABLE events (id bigint NOT NULL, payload text, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE events PARTITION BY HASH (id) PARTITIONS 4;
-- migrate:down
DROP TABLE events;
