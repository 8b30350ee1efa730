-- migrate:up
-- The foreign key takes SHARE ROW EXCLUSIVE on `accounts`: give up rather
-- than queue every query on `accounts` behind a long transaction.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    status text NOT NULL DEFAULT 'pending',
    total_cents bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- A new table: indexing it in the same transaction locks nobody out.
CREATE INDEX orders_account_id_idx ON orders (account_id);

-- migrate:down
DROP TABLE orders;
