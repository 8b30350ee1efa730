//! `algorithm-copy`: `ALGORITHM=COPY` asked for on an existing table.

use sqlparser::ast::{AlterTableAlgorithm, Statement};

use crate::config::Level;
use crate::model::object;
use crate::mysql_ddl::requested;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "algorithm-copy",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "`ALGORITHM=COPY` on an existing table copies it with writes blocked",
    explanation: "`ALGORITHM=COPY` forces the oldest way of running an ALTER: MySQL builds a new table, copies every row into it and swaps it in, and concurrent INSERT, UPDATE and DELETE wait for the whole copy — minutes to hours on a large table. Replicas then replay the same copy. Whatever the ALTER does, asking for COPY is never faster than letting the server use INPLACE or INSTANT.",
    lock: "shared metadata lock for the whole copy: reads go on, every write waits",
    safe_alternative: "drop the clause, or assert the online algorithm with `ALGORITHM=INPLACE, LOCK=NONE` (or `ALGORITHM=INSTANT`) so that the statement fails at once instead of copying; when a copy cannot be avoided, use gh-ost or pt-online-schema-change",
    equivalents: "strong_migrations: copy_algorithm",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_status.sql
-- migrate:up
ALTER TABLE orders ADD INDEX orders_status_idx (status), ALGORITHM=COPY; -- expect: algorithm-copy
-- migrate:down
ALTER TABLE orders DROP INDEX orders_status_idx;
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
ALTER TABLE orders ADD INDEX orders_status_idx (status), ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:down
ALTER TABLE orders DROP INDEX orders_status_idx, ALGORITHM=INPLACE, LOCK=NONE;
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
    if requested(ops).0 == Some(AlterTableAlgorithm::Copy) {
        out.report(
            format!("`ALGORITHM=COPY` copies existing table `{table}` row by row"),
            "writes to the table are blocked until the copy is done",
        );
    }
}
