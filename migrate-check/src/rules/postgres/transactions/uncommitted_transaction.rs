//! `uncommitted-transaction`: a `BEGIN` that nothing commits or rolls back
//! before the end of its section.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

use super::session::{begins_transaction, ends_transaction, open_begin};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "uncommitted-transaction",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "a `BEGIN` with no `COMMIT` or `ROLLBACK` before the end of its section",
    explanation: "In a section marked `-- migrate:no-transaction` the runner runs the statements one by one and leaves transactions to them. A `BEGIN` that is never committed leaves the session inside an open transaction when the section ends: every statement after it looks applied, and then all of it is rolled back when the connection closes (or, worse, commits later together with unrelated work), while any lock it took stays held in the meantime. The migration \"succeeds\" and its changes are not there. On MySQL and MariaDB the open transaction is rolled back when the connection closes, too (and DDL inside it commits implicitly on its own).",
    lock: "",
    safe_alternative: "end the transaction explicitly with `COMMIT;` before the end of the section, or drop `-- migrate:no-transaction` and the `BEGIN` and let the runner wrap the section",
    equivalents: "squawk: ban-uncommitted-transaction",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
-- migrate:no-transaction
BEGIN; -- expect: uncommitted-transaction
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- migrate:down
DROP TABLE orders;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
-- migrate:no-transaction
BEGIN; -- expect: uncommitted-transaction
CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT);
-- migrate:down
DROP TABLE orders;
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_backfill.sql
-- migrate:up
-- migrate:no-transaction
START TRANSACTION; -- expect: uncommitted-transaction
UPDATE orders SET status = 'new' WHERE status = '';
-- migrate:irreversible: data fix
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
COMMIT;
-- migrate:down
DROP TABLE orders;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT);
COMMIT;
-- migrate:down
DROP TABLE orders;
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_backfill.sql
-- migrate:up
-- migrate:no-transaction
START TRANSACTION;
UPDATE orders SET status = 'new' WHERE status = '';
COMMIT;
-- migrate:irreversible: data fix
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // In a section the runner wraps, the runner commits (and
    // `transaction-nesting` reports the BEGIN); a nested BEGIN opens nothing.
    if !begins_transaction(stmt) || ctx.runner_transaction || open_begin(ctx).is_some() {
        return;
    }
    if ctx.statements[ctx.position + 1..]
        .iter()
        .any(ends_transaction)
    {
        return;
    }
    out.report(
        "`BEGIN` is never committed: no `COMMIT` or `ROLLBACK` follows it in this section",
        "the section ends inside this transaction: its work is rolled back when the connection closes",
    );
}

#[cfg(test)]
mod tests {
    use super::super::{ORDERS, findings};

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("uncommitted-transaction", up, no_tx)
    }

    #[test]
    fn begin_without_commit_is_reported_at_the_begin() {
        assert_eq!(
            run("SELECT 1;\nBEGIN;\nUPDATE orders SET status = 'x';", true),
            [4]
        );
    }

    #[test]
    fn second_transaction_left_open() {
        assert_eq!(
            run("BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;", true),
            [6]
        );
    }

    #[test]
    fn chained_commit_and_savepoint_rollback_leave_it_open() {
        assert_eq!(
            run("BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;", true),
            [3]
        );
        assert_eq!(
            run("BEGIN;\nSAVEPOINT a;\nROLLBACK TO SAVEPOINT a;", true),
            [3]
        );
    }

    #[test]
    fn rollback_and_end_close_it() {
        assert!(run("BEGIN;\nSELECT 1;\nROLLBACK;", true).is_empty());
        assert!(run("START TRANSACTION;\nSELECT 1;\nEND;", true).is_empty());
    }

    #[test]
    fn runner_transaction_commits_anyway() {
        assert!(run("BEGIN;\nSELECT 1;", false).is_empty());
    }

    #[test]
    fn down_sections_are_checked_too() {
        let text = "-- migrate:up\nCREATE TABLE t (a int);\n-- migrate:down\n-- migrate:no-transaction\nBEGIN;\nDROP TABLE t;\n";
        let found = findings(
            &[ORDERS, ("0002_x.sql", text)],
            "15",
            "uncommitted-transaction",
        );
        assert_eq!(found, [("0002_x.sql".to_string(), 5)]);
    }
}
