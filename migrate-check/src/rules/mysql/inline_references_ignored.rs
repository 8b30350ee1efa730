//! `inline-references-ignored`: a column-level `REFERENCES`, which MySQL
//! parses and ignores (no foreign key is created).

use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption, Statement};

use crate::config::Level;
use crate::model::object;
use crate::mysql_ddl::Feature;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::{ident_span, target};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "inline-references-ignored",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "a column-level `REFERENCES` creates no foreign key on MySQL",
    explanation: "MySQL (InnoDB) accepts `col INT REFERENCES other (id)` in CREATE TABLE and ADD COLUMN, and silently ignores it: no foreign key, no index, no error — the integrity the migration promises does not exist. MariaDB honours inline REFERENCES since 10.5 (set `mariadb_version` and this rule follows it); MySQL 8.0 and 8.4 still ignore them.",
    lock: "",
    safe_alternative: "declare the key at table level: `…, CONSTRAINT fk_name FOREIGN KEY (col) REFERENCES other (id)` (or `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`)",
    equivalents: "Atlas: MY102",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) -- expect: inline-references-ignored
) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
",
    }],
    good: &[
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
",
        },
        Example {
            dialect: MY,
            text: "-- file: migrate.toml
mariadb_version = \"10.11\"
-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id)
) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let target = target(ctx);
    if target.has(Feature::InlineReferences) {
        return;
    }
    let (table, columns): (String, Vec<&ColumnDef>) = match stmt.ast() {
        Some(Statement::CreateTable(ct)) => (object(&ct.name), ct.columns.iter().collect()),
        Some(Statement::AlterTable(at)) => (
            object(&at.name),
            at.operations
                .iter()
                .filter_map(|op| match op {
                    AlterTableOperation::AddColumn { column_def, .. } => Some(column_def),
                    _ => None,
                })
                .collect(),
        ),
        _ => return,
    };
    for c in columns {
        for o in &c.options {
            let ColumnOption::ForeignKey(fk) = &o.option else {
                continue;
            };
            let f = out.report(
                format!(
                    "`{table}.{}` REFERENCES `{}` inline: {target} ignores it and creates no foreign key",
                    c.name,
                    object(&fk.foreign_table)
                ),
                "parsed and ignored: no foreign key, no index",
            );
            f.span = ident_span(ctx, stmt, &c.name);
        }
    }
}
