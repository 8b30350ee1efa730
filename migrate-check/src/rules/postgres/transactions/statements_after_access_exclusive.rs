//! `statements-after-access-exclusive`: more work in a transaction that
//! already holds an ACCESS EXCLUSIVE lock on an existing table.

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::locks::LockMode;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "statements-after-access-exclusive",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "statements run while the transaction holds an ACCESS EXCLUSIVE lock on an existing table",
    explanation: "Locks are held until the end of the transaction, not of the statement. Once an ALTER TABLE (or DROP, TRUNCATE, VACUUM FULL, CLUSTER, …) took ACCESS EXCLUSIVE on a table other sessions use, every read and write of that table waits until COMMIT. Whatever runs after it in the same transaction — another table's DDL, an index build, a backfill — lengthens that outage, however fast the first statement was. The runner wraps each section in one transaction, so every statement after the locking one counts. A table created earlier in the same migration is exempt: nobody else uses it yet.",
    lock: "ACCESS EXCLUSIVE, taken by an earlier statement and held until COMMIT: blocks every read and every write of the table",
    safe_alternative: "make the ACCESS EXCLUSIVE statement the last one of its transaction: move the statements after it to a migration of their own, or mark the section `-- migrate:no-transaction` so that each statement commits on its own",
    equivalents: "eugene: E4",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_tables.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_users_nickname.sql
-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text; -- expect: statements-after-access-exclusive
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE users DROP COLUMN nickname;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_tables.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_users_nickname.sql
-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
-- file: 0003_orders_note.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note text;
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(held) = ctx.state.holding(LockMode::AccessExclusive) else {
        return;
    };
    if is_free(stmt) {
        return;
    }
    // One finding per lock, at the first statement that extends it, counting
    // the ones after it: a finding on every later statement is noise.
    if ctx.statements[held.position + 1..ctx.position]
        .iter()
        .any(|s| !is_free(s))
    {
        return;
    }
    let more = ctx.statements[ctx.position + 1..]
        .iter()
        .take_while(|s| s.transaction_control() != Some(false))
        .filter(|s| !is_free(s))
        .count();
    let table = &held.lock.table;
    let f = out.report(
        format!(
            "statement runs while the ACCESS EXCLUSIVE lock on `{table}` taken at line {} is held",
            held.line
        ),
        format!("every read and write of `{table}` keeps waiting while this runs, until COMMIT"),
    );
    if more > 0 {
        f.notes.push(format!(
            "{more} more statement(s) run after this one before the lock is released"
        ));
    }
}

/// Statements that cost nothing while the lock is held: ending the
/// transaction is the fix; settings and savepoints take no time.
fn is_free(stmt: &Stmt) -> bool {
    matches!(
        stmt.ast(),
        Some(
            Statement::Commit { .. }
                | Statement::Rollback { .. }
                | Statement::StartTransaction { .. }
                | Statement::Set(_)
                | Statement::Reset(_)
                | Statement::Savepoint { .. }
                | Statement::ReleaseSavepoint { .. }
                | Statement::ShowVariable { .. }
        )
    )
}

#[cfg(test)]
mod tests {

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("statements-after-access-exclusive", up, no_tx)
    }

    #[test]
    fn the_first_statement_after_the_lock_is_reported_once() {
        let up =
            "ALTER TABLE orders ADD COLUMN note text;\nCREATE TABLE audit (id bigint);\nSELECT 1;";
        assert_eq!(run(up, false), [3]);
    }

    #[test]
    fn weaker_locks_do_not_count() {
        let up = "CREATE INDEX orders_user_idx ON orders (user_id);\nSELECT 1;";
        assert!(run(up, false).is_empty());
    }

    #[test]
    fn new_tables_are_exempt() {
        let up = "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\nSELECT 1;";
        assert!(run(up, false).is_empty());
    }

    #[test]
    fn commit_ends_it() {
        let up = "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nSET lock_timeout = '1s';\nCOMMIT;\nSELECT 1;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn autocommit_holds_nothing_after_the_statement() {
        let up = "ALTER TABLE orders ADD COLUMN note text;\nSELECT 1;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn explicit_transaction_in_a_non_transactional_section() {
        let up = "BEGIN;\nTRUNCATE orders;\nUPDATE orders SET status = 'x';\nCOMMIT;";
        assert_eq!(run(up, true), [5]);
    }
}
