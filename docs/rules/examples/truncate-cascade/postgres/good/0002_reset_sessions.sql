-- migrate:up
TRUNCATE session_events, sessions;
-- migrate:irreversible: truncated rows cannot be restored
