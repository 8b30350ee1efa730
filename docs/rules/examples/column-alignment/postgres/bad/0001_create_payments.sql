-- migrate:up
CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    captured boolean NOT NULL DEFAULT false,
    amount bigint NOT NULL,
    due_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    note text
);
-- migrate:down
DROP TABLE payments;
