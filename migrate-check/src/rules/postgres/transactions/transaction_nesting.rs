//! `transaction-nesting`: `BEGIN`/`COMMIT` in a section the runner wraps in a
//! transaction, a `BEGIN` while one is open, a `COMMIT` with none open.

use crate::config::{Dialect, Level};
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

use super::session::{begins_transaction, open_begin, terminates_transaction};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "transaction-nesting",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "`BEGIN` or `COMMIT` inside a transaction the runner already opened, or a nested `BEGIN`",
    explanation: "The runner wraps every section in one transaction (with its history row) unless it is marked `-- migrate:no-transaction`, or unless the section opens or ends transactions itself: then it runs the section as written, statement by statement, recording its progress after each (PostgreSQL has no nested transactions: a `BEGIN` inside one only warns \"there is already a transaction in progress\", and a `COMMIT` would commit the runner's transaction halfway). Such a section is not atomic: a failure after its `COMMIT` leaves the first part applied and the migration recorded dirty, and the down can no longer assume all or nothing. A `COMMIT` with no transaction open does nothing but warn, which usually means its `BEGIN` was lost. SQLite refuses a nested BEGIN (\"cannot start a transaction within a transaction\") and a COMMIT with none open (\"cannot commit - no transaction is active\"): the migration fails at deploy. On MySQL and MariaDB the runner runs each statement in its own transaction with its progress row; a `BEGIN`/`START TRANSACTION` there implicitly commits the open transaction, and DDL commits implicitly anyway, so a hand-written transaction around DDL protects nothing.",
    lock: "",
    safe_alternative: "remove the `BEGIN`/`COMMIT`: the runner already makes the section atomic; to commit part of the work early, split it into migrations of their own (or mark the section `-- migrate:no-transaction` and manage the transactions explicitly); use `SAVEPOINT` for a partial rollback",
    equivalents: "squawk: transaction-nesting",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
BEGIN; -- expect: transaction-nesting
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
COMMIT; -- expect: transaction-nesting
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
BEGIN; -- expect: transaction-nesting
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
START TRANSACTION; -- expect: transaction-nesting
UPDATE orders SET status = 'new' WHERE status = '';
COMMIT;
-- migrate:irreversible: data fix
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_archive.sql
-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders_archive (id bigint PRIMARY KEY, status text);
INSERT INTO orders_archive SELECT id, status FROM orders WHERE status = 'closed';
COMMIT;
-- migrate:down
DROP TABLE orders_archive;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_archive.sql
-- migrate:up
-- migrate:no-transaction
BEGIN;
CREATE TABLE orders_archive (id INTEGER PRIMARY KEY, user_id INTEGER);
INSERT INTO orders_archive SELECT id, user_id FROM orders WHERE user_id IS NULL;
COMMIT;
-- migrate:down
DROP TABLE orders_archive;
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
UPDATE orders SET status = 'new' WHERE status = '';
-- migrate:irreversible: data fix
",
        },
    ],
    check: Some(check),
};

/// What the runner does with a section that controls its own transactions.
const RUN_AS_WRITTEN: &str = "the runner runs this section as written, statement by statement, instead of in one transaction: it is not atomic, and a failure after a COMMIT leaves part of it applied";

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.dialect == Dialect::Sqlite {
        sqlite(ctx, stmt, out);
        return;
    }
    if begins_transaction(stmt) {
        if ctx.runner_transaction {
            out.report(
                "`BEGIN` in a section the runner would wrap in a transaction",
                if ctx.dialect == crate::config::Dialect::MySql {
                    "MySQL commits the runner's transaction implicitly and starts another: the runner's bookkeeping no longer matches"
                } else {
                    RUN_AS_WRITTEN
                },
            );
        } else if let Some(open) = open_begin(ctx) {
            let line = ctx.statements[open].line;
            out.report(
                format!("nested `BEGIN`: the transaction begun at line {line} is still open"),
                "opens nothing: the first COMMIT ends the outer transaction too",
            );
        }
    } else if terminates_transaction(stmt) {
        if ctx.runner_transaction {
            out.report(
                "`COMMIT`/`ROLLBACK` in a section the runner would wrap in a transaction",
                RUN_AS_WRITTEN,
            );
        } else if open_begin(ctx).is_none() {
            out.report(
                "`COMMIT`/`ROLLBACK` with no transaction open",
                "does nothing: each statement of this section already commits on its own",
            );
        }
    }
}

/// SQLite has no nested transactions and says so: a nested `BEGIN` and a
/// `COMMIT` with none open fail.
fn sqlite(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if begins_transaction(stmt) {
        if ctx.runner_transaction {
            out.report(
                "`BEGIN` in a section the runner would wrap in a transaction",
                RUN_AS_WRITTEN,
            );
        } else if let Some(open) = open_begin(ctx) {
            let line = ctx.statements[open].line;
            out.report(
                format!("nested `BEGIN`: the transaction begun at line {line} is still open"),
                "SQLite rejects it: \"cannot start a transaction within a transaction\"",
            );
        }
    } else if terminates_transaction(stmt) {
        if ctx.runner_transaction {
            out.report(
                "`COMMIT`/`ROLLBACK` in a section the runner would wrap in a transaction",
                RUN_AS_WRITTEN,
            );
        } else if open_begin(ctx).is_none() {
            out.report(
                "`COMMIT`/`ROLLBACK` with no transaction open",
                "SQLite rejects it: \"cannot commit - no transaction is active\"",
            );
        }
    }
}

#[cfg(test)]
mod tests {

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("transaction-nesting", up, no_tx)
    }

    #[test]
    fn begin_and_commit_in_a_runner_transaction() {
        assert_eq!(
            run("BEGIN;\nUPDATE orders SET status = 'x';\nCOMMIT;", false),
            [2, 4]
        );
        assert_eq!(run("START TRANSACTION;\nSELECT 1;\nEND;", false), [2, 4]);
    }

    #[test]
    fn nested_begin_in_a_non_transactional_section() {
        assert_eq!(run("BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;", true), [4]);
    }

    #[test]
    fn commit_without_begin() {
        assert_eq!(run("SELECT 1;\nCOMMIT;", true), [4]);
    }

    #[test]
    fn explicit_transactions_in_a_non_transactional_section_are_fine() {
        assert!(
            run(
                "BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nROLLBACK;",
                true
            )
            .is_empty()
        );
    }

    #[test]
    fn savepoints_and_chained_commits_do_not_end_the_transaction() {
        // ROLLBACK TO SAVEPOINT keeps the transaction: the COMMIT after it is not orphaned.
        assert!(
            run(
                "BEGIN;\nSAVEPOINT a;\nSELECT 1;\nROLLBACK TO SAVEPOINT a;\nCOMMIT;",
                true
            )
            .is_empty()
        );
        // COMMIT AND CHAIN opens the next one at once: BEGIN after it is nested.
        assert_eq!(
            run(
                "BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nBEGIN;\nCOMMIT;",
                true
            ),
            [6]
        );
        assert!(run("SAVEPOINT a;\nROLLBACK TO SAVEPOINT a;", false).is_empty());
    }
}
