//! `modify-nullability`: `MODIFY c … NOT NULL` on a nullable column of an existing table.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "modify-nullability",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "making a column NOT NULL with `MODIFY`/`CHANGE` rebuilds the table and may rewrite NULLs",
    explanation: "`MODIFY c … NOT NULL` on a nullable column rebuilds the table in place (every row rewritten, replicas lagging as long). In strict SQL mode it fails at deploy if any row still holds NULL; without strict mode the NULLs are silently replaced by the type's zero value (0, '', '0000-00-00').",
    lock: "ALGORITHM=INPLACE with a full table rebuild",
    safe_alternative: "backfill the NULLs in batches first, make sure `sql_mode` is strict, then run the MODIFY off peak — or with gh-ost / pt-online-schema-change on a large table; new columns can be added `NOT NULL DEFAULT <constant>` instantly",
    equivalents: "strong_migrations: change_column_null_mysql",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note_required.sql
-- migrate:up
ALTER TABLE orders MODIFY note varchar(50) NOT NULL; -- expect: modify-nullability
-- migrate:down
ALTER TABLE orders MODIFY note varchar(50) NULL;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note_comment.sql
-- migrate:up
ALTER TABLE orders MODIFY note varchar(50) NULL COMMENT 'free text from the customer';
-- migrate:down
ALTER TABLE orders MODIFY note varchar(50) NULL;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::SetNotNull).then(|| {
            (
                format!("making a column of existing table `{table}` NOT NULL rebuilds the table"),
                "fails on NULLs in strict mode; replaces them silently otherwise".into(),
            )
        })
    });
}
