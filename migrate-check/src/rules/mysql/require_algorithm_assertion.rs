//! `require-algorithm-assertion`: an online ALTER on an existing table that
//! does not assert `ALGORITHM=INPLACE|INSTANT`.

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::model::object;
use crate::mysql_ddl::{Algorithm, create_index_cost, requested};
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "require-algorithm-assertion",
    dialects: &[MY],
    default_level: Level::Warn,
    versions: &[],
    summary: "an online ALTER or CREATE INDEX on an existing table does not assert `ALGORITHM=`",
    explanation: "Without an `ALGORITHM=` clause the server silently picks the cheapest algorithm it can, and falls back to COPY — writes blocked for the whole copy — when the in-place one is not possible on this table (an old row format, a FULLTEXT index, a column type it must convert, a server version that lacks the feature). With `ALGORITHM=INPLACE, LOCK=NONE` (or `ALGORITHM=INSTANT`) the statement fails at once with an error instead, and nothing is locked. Reported for the operations that are online today (index builds and other in-place changes without a rebuild); operations that copy or rebuild have rules of their own.",
    lock: "",
    safe_alternative: "append `, ALGORITHM=INPLACE, LOCK=NONE` to the ALTER (`ALGORITHM=INPLACE LOCK=NONE` after CREATE INDEX), or `ALGORITHM=INSTANT` for metadata-only changes",
    equivalents: "gap (MySQL online-DDL documentation: \"specify ALGORITHM and LOCK to assert\")",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_status.sql
-- migrate:up
CREATE INDEX orders_status_idx ON orders (status); -- expect: require-algorithm-assertion
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
ALTER TABLE orders ADD INDEX orders_status_idx (status), ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:down
ALTER TABLE orders DROP INDEX orders_status_idx;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    match stmt.ast() {
        Some(Statement::CreateIndex(ci)) => {
            let table = object(&ci.table_name);
            if ctx.is_new_table(&table) || requested(&ci.alter_options).0.is_some() {
                return;
            }
            let cost = create_index_cost();
            report(out, &table, cost.algorithm);
        }
        Some(Statement::AlterTable(at)) => {
            if requested(&at.operations).0.is_some() {
                return;
            }
            let Some((table, acts)) = actions(ctx, stmt) else {
                return;
            };
            // Only when every action is online in place: heavier ones have
            // their own rules, metadata-only ones cannot fall back.
            let online = acts.iter().any(|a| a.cost.algorithm == Algorithm::Inplace)
                && acts.iter().all(|a| !a.cost.is_heavy());
            if online {
                report(out, &table, Algorithm::Inplace);
            }
        }
        _ => {}
    }
}

fn report(out: &mut Findings, table: &str, algorithm: Algorithm) {
    let f = out.report(
        format!("online DDL on existing table `{table}` without `ALGORITHM=` falls back to COPY silently when {algorithm} is not possible"),
        "assert the algorithm so that the server fails fast instead",
    );
    f.help = Some(format!(
        "assert it: `ALGORITHM={algorithm}, LOCK=NONE` (the statement then fails at once rather than copying the table)"
    ));
}
