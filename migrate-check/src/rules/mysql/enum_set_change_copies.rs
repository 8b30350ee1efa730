//! `enum-set-change-copies`: changing an ENUM/SET other than by appending members.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "enum-set-change-copies",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "an ENUM/SET change that is not an append at the end copies the table",
    explanation: "MySQL stores ENUM and SET values as member numbers. Appending members at the end keeps every stored number valid and is a metadata change (INSTANT) — as long as the storage size stays the same (ENUM: up to 255 members in one byte; SET: 8, 16, 24, 32 or 64 members). Removing, reordering or inserting a member, or crossing a storage size, renumbers the stored values: the table is copied with writes blocked, and removed values in existing rows become '' (or fail in strict mode).",
    lock: "ALGORITHM=COPY: writes blocked until every row has been copied",
    safe_alternative: "only append new members at the end of the list; to retire a value, stop writing it and keep it in the list",
    equivalents: "Atlas: MY110–MY113, MY120–MY123",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, state ENUM('new', 'paid', 'shipped') NOT NULL DEFAULT 'new') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_state_cancelled.sql
-- migrate:up
ALTER TABLE orders MODIFY state ENUM('new', 'cancelled', 'paid', 'shipped') NOT NULL DEFAULT 'new'; -- expect: enum-set-change-copies
-- migrate:irreversible: removing 'cancelled' would rewrite rows that use it
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, state ENUM('new', 'paid', 'shipped') NOT NULL DEFAULT 'new') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_state_cancelled.sql
-- migrate:up
ALTER TABLE orders MODIFY state ENUM('new', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'new', ALGORITHM=INSTANT;
-- migrate:irreversible: removing 'cancelled' would rewrite rows that use it
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::EnumRewrite).then(|| {
            (
                format!("this ENUM/SET change on existing table `{table}` is not an append at the end: the table is copied"),
                "members removed, reordered or inserted, or the storage size changes".into(),
            )
        })
    });
}
