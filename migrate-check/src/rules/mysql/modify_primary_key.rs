//! `modify-primary-key`: adding, dropping or replacing the primary key of an existing table.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "modify-primary-key",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "changing the primary key of an existing table rebuilds it (or copies it)",
    explanation: "InnoDB stores rows in primary-key order (the clustered index) and every secondary index holds the primary key, so ADD PRIMARY KEY rebuilds the table and all its indexes, and DROP PRIMARY KEY without an ADD in the same statement copies the table with writes blocked. On a large table that is hours of rebuild, replicated as such.",
    lock: "ADD PRIMARY KEY: INPLACE with a full rebuild; DROP PRIMARY KEY alone: ALGORITHM=COPY, writes blocked",
    safe_alternative: "choose the key when creating the table; to change it on a large table, build a new table with gh-ost or pt-online-schema-change",
    equivalents: "Atlas: MY137",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_primary_key.sql
-- migrate:up
ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, status); -- expect: modify-primary-key
-- migrate:down
ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id);
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_order_items.sql
-- migrate:up
CREATE TABLE order_items (order_id bigint NOT NULL, line int NOT NULL, sku varchar(40) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE order_items ADD PRIMARY KEY (order_id, line);
-- migrate:down
DROP TABLE order_items;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::PrimaryKey).then(|| {
            (
                format!("changing the primary key of existing table `{table}` rebuilds the table and every index"),
                "the clustered index is rebuilt".into(),
            )
        })
    });
}
