-- migrate:up
RENAME TABLE orders TO orders_old, orders_new TO orders;
-- migrate:down
RENAME TABLE orders TO orders_new, orders_old TO orders;
