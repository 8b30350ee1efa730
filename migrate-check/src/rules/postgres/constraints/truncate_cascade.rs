//! `truncate-cascade`: `TRUNCATE … CASCADE`.

use sqlparser::ast::{CascadeOption, Statement};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "truncate-cascade",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`TRUNCATE … CASCADE` also empties every table whose foreign keys reference the truncated ones",
    explanation: "With CASCADE, TRUNCATE empties not only the tables it names but every table that references them through a foreign key, and the tables referencing those, recursively — tables the migration never names, possibly added by later features. Each one is locked ACCESS EXCLUSIVE until commit and its rows are gone; TRUNCATE is not logged row by row, so nothing but a backup brings them back. Without CASCADE, PostgreSQL refuses to truncate a table that others reference, which is the guard CASCADE turns off. Truncating only tables created in the same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on every truncated table, named or reached through foreign keys, until commit: blocks every read and every write",
    safe_alternative: "name every table to empty in one `TRUNCATE a, b, c` without CASCADE: PostgreSQL then fails instead of emptying a table you did not list",
    equivalents: "squawk: ban-truncate-cascade",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_sessions.sql
-- migrate:up
CREATE TABLE sessions (id bigint PRIMARY KEY);
CREATE TABLE session_events (id bigint PRIMARY KEY, session_id bigint NOT NULL REFERENCES sessions (id));
CREATE INDEX session_events_session_id_idx ON session_events (session_id);
-- migrate:down
DROP TABLE session_events;
DROP TABLE sessions;
-- file: 0002_reset_sessions.sql
-- migrate:up
TRUNCATE sessions CASCADE; -- expect: truncate-cascade
-- migrate:irreversible: truncated rows cannot be restored
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_sessions.sql
-- migrate:up
CREATE TABLE sessions (id bigint PRIMARY KEY);
CREATE TABLE session_events (id bigint PRIMARY KEY, session_id bigint NOT NULL REFERENCES sessions (id));
CREATE INDEX session_events_session_id_idx ON session_events (session_id);
-- migrate:down
DROP TABLE session_events;
DROP TABLE sessions;
-- file: 0002_reset_sessions.sql
-- migrate:up
TRUNCATE session_events, sessions;
-- migrate:irreversible: truncated rows cannot be restored
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::Truncate(t)) = stmt.ast() else {
        return;
    };
    if t.cascade != Some(CascadeOption::Cascade) {
        return;
    }
    let tables: Vec<String> = t.table_names.iter().map(|n| object(&n.name)).collect();
    if tables.iter().all(|t| ctx.is_new_table(t)) {
        return;
    }
    let list = tables
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.report(
        format!("TRUNCATE … CASCADE also empties every table referencing {list}"),
        "tables the statement does not name lose all their rows",
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SETUP, hits, lint, migration};

    const ID: &str = "truncate-cascade";

    fn second(up: &str) -> Vec<(String, u32)> {
        let m = migration(up, "SELECT 1;");
        hits(&lint("11", &[SETUP, ("0002_x.sql", &m)]), ID)
    }

    #[test]
    fn cascade_is_reported() {
        assert_eq!(
            second("TRUNCATE users CASCADE;"),
            [("0002_x.sql".to_string(), 2)]
        );
        assert_eq!(
            second("TRUNCATE TABLE ONLY users, orders RESTART IDENTITY CASCADE;").len(),
            1
        );
    }

    #[test]
    fn plain_and_restrict_are_not() {
        assert!(second("TRUNCATE orders, users;").is_empty());
        assert!(second("TRUNCATE users RESTRICT;").is_empty());
    }

    #[test]
    fn new_tables_only_is_exempt() {
        assert!(second("CREATE TABLE t (a int);\nTRUNCATE t CASCADE;").is_empty());
        assert_eq!(
            second("CREATE TABLE t (a int);\nTRUNCATE t, users CASCADE;").len(),
            1
        );
    }
}
