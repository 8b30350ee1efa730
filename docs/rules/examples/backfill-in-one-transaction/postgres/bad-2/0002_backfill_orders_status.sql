-- migrate:up
DO $$
DECLARE
  done bigint;
BEGIN
  LOOP
    UPDATE orders SET status = 'new'
    WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
    COMMIT;
  END LOOP;
END
$$;
-- migrate:irreversible: a backfill has nothing to undo
