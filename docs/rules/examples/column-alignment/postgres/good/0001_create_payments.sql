-- migrate:up
CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amount bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    due_on date NOT NULL,
    captured boolean NOT NULL DEFAULT false,
    note text
);
-- migrate:down
DROP TABLE payments;
