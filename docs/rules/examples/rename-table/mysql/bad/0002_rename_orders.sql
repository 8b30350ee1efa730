-- migrate:up
RENAME TABLE orders TO purchases;
-- migrate:down
RENAME TABLE purchases TO orders;
