//! `index-too-many-columns`: a non-unique index with more than three key columns.

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

/// More key columns than this rarely help.
const MAX_COLUMNS: usize = 3;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "index-too-many-columns",
    dialects: &[PG, MY, LT],
    default_level: Level::Warn,
    versions: &[],
    summary: "a non-unique index with more than three key columns rarely helps",
    explanation: "A B-tree is searched by its leading columns: past the first two or three, extra key columns seldom narrow a lookup further, while they make the index larger, slower to build, and more expensive on every INSERT and UPDATE that touches any of them. Columns wanted only for index-only scans belong in INCLUDE (PostgreSQL ≥ 11), which does not count here, and a unique index needs all its columns to mean what it says, so it is not reported. Style advice: a warning, in every PostgreSQL version. SQLite has no INCLUDE: keep the key narrow, a covering index there means more key columns only when a hot query needs it. On MySQL, `ALTER TABLE … ADD INDEX` and `CREATE INDEX` are judged alike.",
    lock: "",
    safe_alternative: "index the two or three most selective columns your queries filter on, move columns that are only read into `INCLUDE (…)`, or create a second, narrower index for the other query",
    equivalents: "strong_migrations: add_index_columns",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, total numeric NOT NULL);
CREATE INDEX orders_lookup_idx ON orders (user_id, status, created_at, total); -- expect: index-too-many-columns
-- migrate:down
DROP TABLE orders;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, total INTEGER NOT NULL);
CREATE INDEX orders_lookup_idx ON orders (user_id, status, created_at, total); -- expect: index-too-many-columns
-- migrate:down
DROP TABLE orders;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20) NOT NULL, placed_at datetime NOT NULL, total_cents bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_report_idx.sql
-- migrate:up
CREATE INDEX orders_report_idx ON orders (customer_id, status, placed_at, total_cents) ALGORITHM=INPLACE LOCK=NONE; -- expect: index-too-many-columns
-- migrate:down
DROP INDEX orders_report_idx ON orders;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, total numeric NOT NULL);
CREATE INDEX orders_lookup_idx ON orders (user_id, status, created_at) INCLUDE (total);
-- migrate:down
DROP TABLE orders;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, total INTEGER NOT NULL);
CREATE INDEX orders_lookup_idx ON orders (user_id, status, created_at);
-- migrate:down
DROP TABLE orders;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20) NOT NULL, placed_at datetime NOT NULL, total_cents bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_report_idx.sql
-- migrate:up
CREATE INDEX orders_report_idx ON orders (customer_id, status, placed_at) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_report_idx ON orders;
",
    },
    ],
    check: Some(check),
};

fn check(_ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // MySQL `ALTER TABLE t ADD INDEX i (…)`.
    if let Some(Statement::AlterTable(at)) = stmt.ast() {
        for op in &at.operations {
            if let sqlparser::ast::AlterTableOperation::AddConstraint {
                constraint: sqlparser::ast::TableConstraint::Index(ix),
                ..
            } = op
                && ix.columns.len() > MAX_COLUMNS
            {
                let name = ix.name.as_ref().map_or("an index".to_string(), |n| {
                    format!("index `{}`", crate::model::ident(n))
                });
                out.report(
                    format!("{name} on `{}` has {} key columns", object(&at.name), ix.columns.len()),
                    format!("columns past the first {MAX_COLUMNS} rarely narrow a lookup; each costs space and write time"),
                );
            }
        }
        return;
    }
    let Some(Statement::CreateIndex(ci)) = stmt.ast() else {
        return;
    };
    if ci.unique || ci.columns.len() <= MAX_COLUMNS {
        return;
    }
    let name = ci
        .name
        .as_ref()
        .map_or("an index".to_string(), |n| format!("index `{}`", object(n)));
    out.report(
        format!(
            "{name} on `{}` has {} key columns",
            object(&ci.table_name),
            ci.columns.len()
        ),
        format!("columns past the first {MAX_COLUMNS} rarely narrow a lookup; each costs space and write time"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{hits, shown, two};
    use crate::Severity;

    const ID: &str = "index-too-many-columns";

    #[test]
    fn wide_non_unique_index_is_a_warning_even_on_a_new_table() {
        let r = two(
            "15",
            "SELECT 1;",
            "CREATE TABLE t (a int, b int, c int, d int);\nCREATE INDEX t_idx ON t (a, b, c, d);",
            "DROP TABLE t;",
        );
        let h = hits(&r, ID);
        assert_eq!(h.len(), 1, "{}", shown(&r));
        assert_eq!((h[0].1, h[0].2), (3, Severity::Warning));
    }

    #[test]
    fn three_columns_include_and_unique_are_fine() {
        let r = two(
            "15",
            "SELECT 1;",
            "CREATE TABLE t (a int, b int, c int, d int);\nCREATE INDEX t_idx ON t (a, b, c) INCLUDE (d);\nCREATE UNIQUE INDEX t_key ON t (a, b, c, d);",
            "DROP TABLE t;",
        );
        assert!(hits(&r, ID).is_empty(), "{}", shown(&r));
    }
}
