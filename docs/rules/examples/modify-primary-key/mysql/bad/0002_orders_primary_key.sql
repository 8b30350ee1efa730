-- migrate:up
ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, status);
-- migrate:down
ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id);
