-- migrate:up
-- migrate:allow(create-index-non-concurrently): servers on 14.2 until the upgrade; built in the Sunday maintenance window
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP INDEX orders_user_id_idx;
