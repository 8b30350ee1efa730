-- migrate:up
CREATE TABLE articles (id bigint PRIMARY KEY, title varchar(200) NOT NULL, body text) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE articles;
