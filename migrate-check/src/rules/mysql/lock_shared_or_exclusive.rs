//! `lock-shared-or-exclusive`: `LOCK=SHARED` or `LOCK=EXCLUSIVE` on an existing table.

use sqlparser::ast::{AlterTableLock, Statement};

use crate::config::Level;
use crate::model::object;
use crate::mysql_ddl::requested;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "lock-shared-or-exclusive",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "`LOCK=SHARED` or `LOCK=EXCLUSIVE` blocks writes (or everything) for the whole ALTER",
    explanation: "The `LOCK=` clause of an online ALTER says how much concurrency the server must keep. `LOCK=SHARED` blocks every write to the table and `LOCK=EXCLUSIVE` every read and write, for the whole operation — an index build or a rebuild that grows with the table — even when the server could have run it with `LOCK=NONE`.",
    lock: "SHARED: writes wait for the whole operation; EXCLUSIVE: reads and writes wait",
    safe_alternative: "write `LOCK=NONE` (the statement then fails at once if the operation cannot allow concurrent writes) or leave the clause out; for operations that need a lock, use gh-ost or pt-online-schema-change",
    equivalents: "strong_migrations: lock_option",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_status.sql
-- migrate:up
CREATE INDEX orders_status_idx ON orders (status) LOCK=SHARED; -- expect: lock-shared-or-exclusive
-- migrate:down
DROP INDEX orders_status_idx ON orders;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_status.sql
-- migrate:up
CREATE INDEX orders_status_idx ON orders (status) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_status_idx ON orders;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let (table, ops) = match stmt.ast() {
        Some(Statement::AlterTable(at)) => (object(&at.name), &at.operations),
        Some(Statement::CreateIndex(ci)) => (object(&ci.table_name), &ci.alter_options),
        _ => return,
    };
    if ctx.is_new_table(&table) {
        return;
    }
    let blocked = match requested(ops).1 {
        Some(AlterTableLock::Shared) => "writes",
        Some(AlterTableLock::Exclusive) => "reads and writes",
        _ => return,
    };
    out.report(
        format!("`LOCK=` clause blocks {blocked} on existing table `{table}` for the whole ALTER"),
        format!("{blocked} wait until the statement completes"),
    );
}
