-- migrate:up
-- migrate:no-transaction
ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;
-- migrate:down
ALTER TABLE events ATTACH PARTITION events_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
