//! `add-column-expression-default`: `ADD COLUMN … DEFAULT (expr)` on an existing table.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-column-expression-default",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a column with an expression default `DEFAULT (…)` copies the table",
    explanation: "A parenthesised default (`DEFAULT (now())`, `DEFAULT (uuid())`, even `DEFAULT (3)`) must be evaluated for every existing row, so MySQL cannot add the column INSTANT or in place: it copies the table and blocks writes for the whole copy. Plain literal defaults and `DEFAULT CURRENT_TIMESTAMP` are metadata-only on MySQL ≥ 8.0.12. MariaDB (≥ 10.3.2) adds such a column INSTANT, evaluating the expression once for the existing rows, so with `mariadb_version` set the rule stays silent.",
    lock: "ALGORITHM=COPY: writes blocked until every row has been copied",
    safe_alternative: "add the column without a default (or with a literal one), then `ALTER TABLE … ALTER COLUMN c SET DEFAULT (…)` (metadata only) and backfill existing rows in batches",
    equivalents: "strong_migrations: add_column_default, add_column_default_callable",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_placed_at.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN placed_at datetime DEFAULT (now()); -- expect: add-column-expression-default
-- migrate:down
ALTER TABLE orders DROP COLUMN placed_at;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_placed_at.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN placed_at datetime NULL DEFAULT CURRENT_TIMESTAMP;
-- migrate:down
ALTER TABLE orders DROP COLUMN placed_at;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::AddExpressionDefault).then(|| {
            (
                format!(
                    "adding a column with an expression default copies existing table `{table}`"
                ),
                "every row is copied with writes blocked".into(),
            )
        })
    });
}
