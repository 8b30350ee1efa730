-- migrate:up
CREATE TABLE sessions (id bigint PRIMARY KEY);
CREATE TABLE session_events (id bigint PRIMARY KEY, session_id bigint NOT NULL REFERENCES sessions (id));
CREATE INDEX session_events_session_id_idx ON session_events (session_id);
-- migrate:down
DROP TABLE session_events;
DROP TABLE sessions;
