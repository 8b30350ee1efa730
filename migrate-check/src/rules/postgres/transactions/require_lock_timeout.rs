//! `require-lock-timeout`: lock-taking DDL on an existing table with no
//! `lock_timeout` set before it.

use crate::config::{Dialect, Level};
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

use super::session::{Timeout, check_timeout};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "require-lock-timeout",
    dialects: &[PG, MY],
    default_level: Level::Warn,
    versions: &[],
    summary: "DDL waits for a lock on an existing table with no `lock_timeout` set",
    explanation: "A statement that needs SHARE or a stronger lock (most ALTER TABLE, CREATE INDEX, DROP, TRUNCATE, LOCK TABLE) queues behind any transaction using the table — a long report, an idle-in-transaction session — and, while it waits, every new query on the table queues behind it: a lock that would be held for a millisecond takes the application down for as long as the oldest transaction lasts. `lock_timeout` makes the statement give up instead, so it can be retried. The `migrate` runtime already sets `lock_timeout` itself for each PostgreSQL migration (configurable, with bounded retries), so this rule is advice for migrations that may also run outside it — psql, another runner, a DBA's console — and is a warning. Only the first such statement of a section is reported: one SET at the top covers them all. On MySQL and MariaDB every DDL statement on an existing table takes an exclusive metadata lock, at least at its start and end, and `lock_wait_timeout` defaults to a year: set `SET SESSION lock_wait_timeout = 5` (the `migrate` runtime sets it per migration too).",
    lock: "SHARE or stronger on an existing table: while the request waits, it blocks every later query that conflicts with it (ACCESS EXCLUSIVE: all of them)",
    safe_alternative: "start the section with `SET lock_timeout = '2s';` (or `SET LOCAL` inside a transaction) and retry the migration when it times out",
    equivalents: "squawk: require-lock-timeout (require-timeout-settings) · eugene: E9 · strong_migrations: lock_timeout (runtime setting) · django-pg-zero-downtime, safe-pg-migrations: set it",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note text; -- expect: require-lock-timeout
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50); -- expect: require-lock-timeout
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
-- migrate:down
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD COLUMN note varchar(50);
-- migrate:down
SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders DROP COLUMN note;
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    check_timeout(ctx, stmt, out, Timeout::Lock);
}

/// MySQL: every DDL statement on an existing table takes an exclusive
/// metadata lock, at least at its start and end; `lock_wait_timeout`
/// (default: a year) bounds the wait. Only the first unprotected DDL of the
/// section is reported.
fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    use crate::rules::mysql::non_transactional_ddl_batch::{Ddl, ddl};
    let existing = |s: &Stmt| match ddl(s) {
        Some(Ddl::Touches(tables)) => tables
            .into_iter()
            .find(|t| !t.is_empty() && !ctx.is_new_table(t)),
        _ => None,
    };
    if ctx.state.lock_timeout {
        return;
    }
    let Some(table) = existing(stmt) else {
        return;
    };
    if ctx.statements[..ctx.position]
        .iter()
        .any(|s| existing(s).is_some())
    {
        return;
    }
    let f = out.report(
        format!("DDL on existing table `{table}` with no `lock_wait_timeout` set earlier in this section"),
        format!("waits for an exclusive metadata lock on `{table}`: every later query on `{table}` queues behind it"),
    );
    f.lock = Some(format!(
        "exclusive metadata lock on `{table}` (at least at the start and the end of the statement): while it waits, every new query on the table waits behind it"
    ));
    f.help = Some("start the section with `SET SESSION lock_wait_timeout = 5;` (seconds) and retry the migration when it times out".into());
}

#[cfg(test)]
mod tests {
    use super::super::{ORDERS, findings};

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("require-lock-timeout", up, no_tx)
    }

    #[test]
    fn only_the_first_unprotected_statement_is_reported() {
        let up = "SELECT 1;\nALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;";
        assert_eq!(run(up, false), [3]);
    }

    #[test]
    fn set_before_the_ddl_covers_it() {
        assert!(
            run(
                "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN a text;",
                false
            )
            .is_empty()
        );
        assert!(run("SET LOCAL lock_timeout TO 1000;\nDROP TABLE orders;", false).is_empty());
        assert!(
            run(
                "SELECT set_config('lock_timeout', '1s', true);\nTRUNCATE orders;",
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn set_after_the_ddl_is_too_late() {
        assert_eq!(
            run(
                "ALTER TABLE orders ADD COLUMN a text;\nSET lock_timeout = '1s';",
                false
            ),
            [2]
        );
    }

    #[test]
    fn zero_default_and_reset_mean_no_timeout() {
        assert_eq!(
            run(
                "SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN a text;",
                false
            ),
            [3]
        );
        assert_eq!(
            run(
                "SET lock_timeout = '0s';\nALTER TABLE orders ADD COLUMN a text;",
                false
            ),
            [3]
        );
        assert_eq!(
            run(
                "SET lock_timeout TO DEFAULT;\nALTER TABLE orders ADD COLUMN a text;",
                false
            ),
            [3]
        );
        assert_eq!(
            run(
                "SET lock_timeout = '1s';\nRESET lock_timeout;\nALTER TABLE orders ADD COLUMN a text;",
                false
            ),
            [4]
        );
    }

    #[test]
    fn set_local_lasts_only_for_its_transaction() {
        // Outside a transaction block SET LOCAL does nothing.
        assert_eq!(
            run(
                "SET LOCAL lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN a text;",
                true
            ),
            [4]
        );
        // It ends with its COMMIT.
        let up = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN a text;\nCOMMIT;\nALTER TABLE orders ADD COLUMN b text;";
        assert_eq!(run(up, true), [7]);
        // A session SET survives the COMMIT.
        let up = "BEGIN;\nSET lock_timeout = '1s';\nCOMMIT;\nALTER TABLE orders ADD COLUMN b text;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn weak_locks_new_tables_and_nowait_are_fine() {
        assert!(run("CREATE INDEX CONCURRENTLY i ON orders (user_id);", true).is_empty());
        assert!(run("ALTER TABLE orders VALIDATE CONSTRAINT c;", false).is_empty());
        assert!(run("UPDATE orders SET status = 'x';", false).is_empty());
        assert!(
            run(
                "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;",
                false
            )
            .is_empty()
        );
        assert!(run("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE NOWAIT;", false).is_empty());
    }

    #[test]
    fn lock_table_drop_index_and_reindex_take_table_locks() {
        assert_eq!(run("LOCK TABLE orders;", false), [2]);
        let files = [
            ORDERS,
            (
                "0002_i.sql",
                "-- migrate:up\nCREATE INDEX orders_user_idx ON orders (user_id);\n-- migrate:down\nDROP INDEX orders_user_idx;\n",
            ),
            (
                "0003_x.sql",
                "-- migrate:up\nDROP INDEX orders_user_idx;\n-- migrate:irreversible: test\n",
            ),
            (
                "0004_y.sql",
                "-- migrate:up\nCREATE INDEX orders_status_idx ON orders (status);\n-- migrate:down\nDROP INDEX orders_status_idx;\n",
            ),
            (
                "0005_z.sql",
                "-- migrate:up\nREINDEX INDEX orders_status_idx;\n-- migrate:irreversible: test\n",
            ),
        ];
        let found = findings(&files, "15", "require-lock-timeout");
        assert!(found.contains(&("0003_x.sql".to_string(), 2)), "{found:?}");
        assert!(found.contains(&("0005_z.sql".to_string(), 2)), "{found:?}");
        // The down dropping the index its own up created is exempt; the up is not.
        assert!(found.contains(&("0002_i.sql".to_string(), 2)), "{found:?}");
        assert!(!found.contains(&("0002_i.sql".to_string(), 4)), "{found:?}");
    }
}
