//! `add-stored-generated-column`: `ADD COLUMN … GENERATED ALWAYS AS (…) STORED` rewrites an existing table.

use sqlparser::ast::{AlterTableOperation, ColumnOption, GeneratedAs, GeneratedExpressionMode};

use crate::config::{Dialect, Level};
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

use super::support::{PG18, alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-stored-generated-column",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a STORED generated column rewrites the whole table",
    explanation: "A stored generated column holds a value computed from the other columns of the row, so ADD COLUMN … GENERATED ALWAYS AS (…) STORED computes it for every existing row: PostgreSQL rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock, and every read and every write waits for a time that grows with the table. Generated columns exist since PostgreSQL 12; PostgreSQL 18 adds VIRTUAL generated columns, computed when read, which are added without a rewrite. A table created by this same migration is exempt. SQLite refuses it outright on a table with rows (\"cannot add a STORED column\"): the migration fails at deploy; a VIRTUAL generated column is added without touching the rows. MySQL and MariaDB add a STORED column with ALGORITHM=COPY — every row copied, writes blocked — while a VIRTUAL one is added INSTANT.",
    lock: "ACCESS EXCLUSIVE on the table for the whole rewrite: blocks every read and every write",
    safe_alternative: "add a plain nullable column, keep it filled for new rows (a trigger, or the application), backfill the existing rows in batches in a later migration marked `-- migrate:no-transaction`; on PostgreSQL ≥ 18 a VIRTUAL generated column needs no rewrite when the value need not be stored",
    equivalents: "squawk: adding-field-with-default · eugene: E11 · strong_migrations: add_column_generated_stored · Atlas: MY140 (MySQL)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_people.sql
-- migrate:up
CREATE TABLE people (id bigint PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
-- migrate:down
DROP TABLE people;
-- file: 0002_add_people_full_name.sql
-- migrate:up
ALTER TABLE people ADD COLUMN full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED; -- expect: add-stored-generated-column
-- migrate:down
ALTER TABLE people DROP COLUMN full_name;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_people.sql
-- migrate:up
CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL);
-- migrate:down
DROP TABLE people;
-- file: 0002_add_people_full_name.sql
-- migrate:up
ALTER TABLE people ADD COLUMN full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED; -- expect: add-stored-generated-column
-- migrate:down
ALTER TABLE people DROP COLUMN full_name;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_order_lines.sql
-- migrate:up
CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity int NOT NULL, price_cents bigint NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE order_lines;
-- file: 0002_order_lines_total.sql
-- migrate:up
ALTER TABLE order_lines ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * price_cents) STORED; -- expect: add-stored-generated-column
-- migrate:down
ALTER TABLE order_lines DROP COLUMN total_cents;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_people.sql
-- migrate:up
CREATE TABLE people (
  id bigint PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  -- a new table: computing the column for no rows costs nothing
  full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
);
-- migrate:down
DROP TABLE people;
-- file: 0002_add_people_initials.sql
-- migrate:up
-- a plain column, filled for new rows by the application, backfilled in batches later
ALTER TABLE people ADD COLUMN initials text;
-- migrate:down
ALTER TABLE people DROP COLUMN initials;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_people.sql
-- migrate:up
CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL);
-- migrate:down
DROP TABLE people;
-- file: 0002_add_people_full_name.sql
-- migrate:up
-- VIRTUAL: computed when read, added without touching the rows
ALTER TABLE people ADD COLUMN full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL;
-- migrate:down
ALTER TABLE people DROP COLUMN full_name;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_order_lines.sql
-- migrate:up
CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity int NOT NULL, price_cents bigint NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE order_lines;
-- file: 0002_order_lines_total.sql
-- migrate:up
ALTER TABLE order_lines ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * price_cents) VIRTUAL;
-- migrate:down
ALTER TABLE order_lines DROP COLUMN total_cents;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let stored = column_def.options.iter().any(|o| {
            matches!(
                &o.option,
                ColumnOption::Generated { generation_expr: Some(_), generation_expr_mode, generated_as, .. }
                    if *generation_expr_mode == Some(GeneratedExpressionMode::Stored)
                        || *generated_as == GeneratedAs::ExpStored
            )
        });
        if !stored {
            continue;
        }
        let column = ident(&column_def.name);
        if ctx.dialect == Dialect::Sqlite {
            let f = out.report(
                format!("adding stored generated column `{column}` to existing table `{table}`: SQLite refuses it"),
                "\"cannot add a STORED column\" as soon as the table has a row: fails at deploy",
            );
            f.span = ident_span(ctx, stmt, &column_def.name);
            f.lock = Some(String::new());
            f.help = Some("declare it VIRTUAL (`GENERATED ALWAYS AS (…) VIRTUAL`, computed when read, which SQLite adds without touching the rows), or rebuild the table with the stored column (sqlite.org/lang_altertable.html)".into());
            continue;
        }
        let finding = out.report(
            format!("adding stored generated column `{column}` to existing table `{table}` rewrites the table"),
            format!("the value is computed and written for every existing row while `{table}` is locked"),
        );
        finding.span = ident_span(ctx, stmt, &column_def.name);
        if ctx.dialect == Dialect::MySql {
            mysql_finding(finding);
            continue;
        }
        if ctx.version >= PG18 {
            finding.help = Some(format!(
                "`postgres_version` is {}: if the value need not be stored, declare it `GENERATED ALWAYS AS (…) VIRTUAL`, which adds it without a rewrite; otherwise add a plain nullable column, fill it for new rows (trigger or application) and backfill the existing rows in batches in a later migration marked `-- migrate:no-transaction`",
                ctx.version
            ));
        }
    }
}

/// MySQL: a STORED column is added with ALGORITHM=COPY; a VIRTUAL one is
/// metadata only (MySQL ≥ 8.0, MariaDB ≥ 10.3).
fn mysql_finding(finding: &mut crate::rules::Finding) {
    finding.label =
        "MySQL adds a STORED column with ALGORITHM=COPY: every row is copied, writes blocked"
            .into();
    finding.lock = Some("ALGORITHM=COPY: writes blocked until every row has been copied".into());
    finding.help = Some("declare it `VIRTUAL` (computed on read, added INSTANT; it can still be indexed), or add a plain nullable column, fill it from the application or a trigger, and backfill existing rows in batches".into());
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, shown, two};

    const PEOPLE: &str = "CREATE TABLE people (id bigint PRIMARY KEY, a int, b int);";

    #[test]
    fn stored_column_on_existing_table() {
        let r = two(
            "15",
            PEOPLE,
            "ALTER TABLE people ADD COLUMN s int GENERATED ALWAYS AS (a + b) STORED;",
        );
        assert!(fires(&r, "add-stored-generated-column"), "{}", shown(&r));
        assert!(!shown(&r).contains("VIRTUAL`, which"));
    }

    #[test]
    fn pg18_help_offers_virtual() {
        let r = two(
            "18",
            PEOPLE,
            "ALTER TABLE people ADD COLUMN s int GENERATED ALWAYS AS (a + b) STORED;",
        );
        assert!(shown(&r).contains("VIRTUAL`, which"), "{}", shown(&r));
    }

    #[test]
    fn identity_plain_and_new_tables_are_not_this_rule() {
        for up in [
            "ALTER TABLE people ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;",
            "ALTER TABLE people ADD COLUMN s int;",
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (a * 2) STORED;",
        ] {
            let r = two("15", PEOPLE, up);
            assert!(!fires(&r, "add-stored-generated-column"), "{up}");
        }
    }
}
