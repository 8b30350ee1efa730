//! `table-rebuild`: statements whose only effect is to rebuild an existing
//! table (`CONVERT TO CHARACTER SET`, `ROW_FORMAT=`, `FORCE`,
//! `OPTIMIZE TABLE`, reordering columns).

use crate::config::Level;
use crate::model::object_text;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::{Recognized, Stmt};

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "table-rebuild",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "rebuilding an existing table: charset conversion, row format, FORCE, OPTIMIZE, column reorder",
    explanation: "`CONVERT TO CHARACTER SET` converts every string column and must copy the table with writes blocked; `ROW_FORMAT=`, `KEY_BLOCK_SIZE=`, `FORCE`, `OPTIMIZE TABLE` and moving a column with `MODIFY … FIRST | AFTER` rebuild the table in place — every row rewritten, replicas lagging as long. On a large table either is an outage or a long replication delay.",
    lock: "CONVERT TO CHARACTER SET: ALGORITHM=COPY, writes blocked; the others: INPLACE with a full rebuild",
    safe_alternative: "run rebuilds with gh-ost or pt-online-schema-change, off peak; set the character set and row format when creating the table; leave column order alone",
    equivalents: "gap (MySQL online-DDL operation tables)",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=latin1;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_utf8mb4.sql
-- migrate:up
ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; -- expect: table-rebuild
-- migrate:irreversible: converting back could lose characters
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, KEY orders_status (status)) ENGINE=InnoDB DEFAULT CHARSET=latin1;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_default_charset.sql
-- migrate:up
ALTER TABLE orders DEFAULT CHARACTER SET utf8mb4;
-- migrate:down
ALTER TABLE orders DEFAULT CHARACTER SET latin1;
-- file: 0003_rename_status_index.sql
-- migrate:up
ALTER TABLE orders RENAME INDEX orders_status TO orders_status_idx, ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:down
ALTER TABLE orders RENAME INDEX orders_status_idx TO orders_status, ALGORITHM=INPLACE, LOCK=NONE;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if let Some(Recognized::OptimizeTable { tables }) = stmt.recognized() {
        for t in tables {
            let table = object_text(t);
            if !ctx.is_new_table(&table) {
                out.report(
                    format!("`OPTIMIZE TABLE` rebuilds existing table `{table}`"),
                    "every row is rewritten",
                );
            }
        }
        return;
    }
    report_actions(ctx, stmt, out, |table, a| match &a.cost.change {
        Change::TableOption(w) if w == "CONVERT" => Some((
            format!("`CONVERT TO CHARACTER SET` copies existing table `{table}`"),
            "every string column is converted, writes blocked".into(),
        )),
        Change::TableOption(w) if !matches!(w.as_str(), "ENGINE" | "PARTITION" | "REMOVE") => {
            Some((
                format!("`{w}` rebuilds existing table `{table}`"),
                "every row is rewritten".into(),
            ))
        }
        Change::Reorder => Some((
            format!("moving a column rebuilds existing table `{table}`"),
            "`FIRST`/`AFTER` reorders the columns: every row is rewritten".into(),
        )),
        _ => None,
    });
}
