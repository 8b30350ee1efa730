//! `require-statement-timeout`: lock-taking DDL on an existing table with no
//! `statement_timeout` set before it.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::session::{Timeout, check_timeout};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "require-statement-timeout",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "DDL holds a lock on an existing table with no `statement_timeout` set",
    explanation: "Once a statement holds SHARE or a stronger lock on a table other sessions use, every write (ACCESS EXCLUSIVE: every read too) waits for it to finish. A statement that turns out slower than expected — a rewrite, a scan to check a constraint, an index build on a table bigger than in staging — blocks traffic for as long as it runs. `statement_timeout` bounds that: the statement is cancelled, its transaction rolls back, the lock is released. The `migrate` runtime already sets its own timeouts for each PostgreSQL migration, so this rule is advice for migrations that may also run outside it, and is a warning. Statements that only take SHARE UPDATE EXCLUSIVE (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT) are not reported: they are long by design and block no traffic. Only the first such statement of a section is reported.",
    lock: "SHARE or stronger on an existing table, held for as long as the statement runs: blocks every write (ACCESS EXCLUSIVE: every read and write)",
    safe_alternative: "start the section with `SET statement_timeout = '5s';` (or `SET LOCAL` inside a transaction); run the slow-by-design steps (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT) in their own migrations with a larger or no timeout",
    equivalents: "squawk: require-statement-timeout (require-timeout-settings) · strong_migrations: statement_timeout (runtime setting) · django-pg-zero-downtime, safe-pg-migrations: set it",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN note text; -- expect: require-statement-timeout
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
-- migrate:down
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    check_timeout(ctx, stmt, out, Timeout::Statement);
}

#[cfg(test)]
mod tests {

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("require-statement-timeout", up, no_tx)
    }

    #[test]
    fn lock_timeout_alone_is_not_enough() {
        assert_eq!(
            run(
                "SET lock_timeout = '1s';\nCREATE INDEX i ON orders (user_id);",
                false
            ),
            [3]
        );
    }

    #[test]
    fn statement_timeout_covers_the_section() {
        let up = "SET statement_timeout = '5s';\nALTER TABLE orders ADD COLUMN a text;\nTRUNCATE orders;";
        assert!(run(up, false).is_empty());
        let up = "SET SESSION statement_timeout = 5000;\nALTER TABLE orders ADD COLUMN a text;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn rollback_undoes_a_set_in_its_transaction() {
        let up = "BEGIN;\nSET statement_timeout = '5s';\nROLLBACK;\nALTER TABLE orders ADD COLUMN a text;";
        assert_eq!(run(up, true), [6]);
    }

    #[test]
    fn long_by_design_statements_are_not_reported() {
        assert!(run("CREATE INDEX CONCURRENTLY i ON orders (user_id);", true).is_empty());
        assert!(run("ALTER TABLE orders VALIDATE CONSTRAINT c;", false).is_empty());
    }
}
