//! `type-change-revalidates-check`: a type change re-checks the CHECK constraints on the column.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

use crate::config::Level;
use crate::model::{ConstraintKind, ident};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::change_column_type::{Change, classify};
use super::support::{alter_table, constraint_name, ident_span, parse_expr, references};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "type-change-revalidates-check",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "changing the type of a column used by a CHECK constraint re-checks every row",
    explanation: "When a column's type changes, PostgreSQL drops and re-creates every CHECK constraint that uses the column and verifies it against every row, while the ACCESS EXCLUSIVE lock of the ALTER TABLE is held: every read and every write waits for a time that grows with the table — even when the type change itself is binary-coercible and rewrites nothing. (When the change rewrites the table anyway, `change-column-type` reports it and this rule stays silent.) Constraints added `NOT VALID` and not yet validated are re-created without the check. A table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the table while every row is checked: blocks every read and every write",
    safe_alternative: "in one statement, drop the CHECK constraints that use the column, change the type and re-add them `NOT VALID`; then `VALIDATE CONSTRAINT` in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on)",
    equivalents: "strong_migrations: change_column_constraint",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_products.sql
-- migrate:up
CREATE TABLE products (
  id bigint PRIMARY KEY,
  code varchar(20) NOT NULL CONSTRAINT products_code_check CHECK (code <> '')
);
-- migrate:down
DROP TABLE products;
-- file: 0002_widen_products_code.sql
-- migrate:up
ALTER TABLE products ALTER COLUMN code TYPE varchar(40); -- expect: type-change-revalidates-check
-- migrate:irreversible: narrowing back would rewrite the table and could fail on longer codes
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_products.sql
-- migrate:up
CREATE TABLE products (
  id bigint PRIMARY KEY,
  code varchar(20) NOT NULL CONSTRAINT products_code_check CHECK (code <> '')
);
-- migrate:down
DROP TABLE products;
-- file: 0002_widen_products_code.sql
-- migrate:up
ALTER TABLE products
  DROP CONSTRAINT products_code_check,
  ALTER COLUMN code TYPE varchar(40),
  ADD CONSTRAINT products_code_check CHECK (code <> '') NOT VALID;
-- migrate:irreversible: narrowing back would rewrite the table and could fail on longer codes
-- file: 0003_validate_products_code.sql
-- migrate:up
ALTER TABLE products VALIDATE CONSTRAINT products_code_check;
-- migrate:irreversible: validating only reads the rows
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    let Some(model) = ctx.schema.table(&table) else {
        return;
    };
    // Constraints dropped by this same statement go before the type changes.
    let dropped: Vec<String> = at
        .operations
        .iter()
        .filter_map(|op| match op {
            AlterTableOperation::DropConstraint { name, .. } => Some(ident(name)),
            _ => None,
        })
        .collect();
    for op in &at.operations {
        let AlterTableOperation::AlterColumn {
            column_name,
            op:
                AlterColumnOperation::SetDataType {
                    data_type, using, ..
                },
        } = op
        else {
            continue;
        };
        let column = ident(column_name);
        if !matches!(
            classify(ctx, &table, &column, data_type, using.as_ref()),
            Change::InPlace
        ) {
            continue; // a rewrite is `change-column-type`'s to report
        }
        let checks: Vec<String> = model
            .constraints
            .iter()
            .filter(|c| c.validated)
            .filter(|c| constraint_name(c, &table).is_none_or(|n| !dropped.contains(&n)))
            .filter_map(|c| match &c.kind {
                ConstraintKind::Check(e)
                    if parse_expr(e).is_none_or(|e| references(&e, &column)) =>
                {
                    let name = constraint_name(c, &table).unwrap_or_default();
                    Some(match c.name {
                        Some(_) => format!("`{name}`"),
                        None => format!("`{name}` (CHECK ({e}))"),
                    })
                }
                _ => None,
            })
            .collect();
        if checks.is_empty() {
            continue;
        }
        out.report(
            format!(
                "changing the type of `{table}.{column}` re-checks every row against {} {}",
                if checks.len() == 1 {
                    "constraint"
                } else {
                    "constraints"
                },
                checks.join(", ")
            ),
            format!("ACCESS EXCLUSIVE on `{table}` while every row is checked"),
        )
        .span = ident_span(ctx, stmt, column_name);
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, shown, two};

    const T: &str = "CREATE TABLE t (id bigint PRIMARY KEY, code varchar(10) CONSTRAINT code_ok CHECK (length(code) > 1), n integer, CHECK (n > 0));";

    fn flags(up: &str) -> bool {
        fires(&two("15", T, up), "type-change-revalidates-check")
    }

    #[test]
    fn binary_coercible_change_of_checked_column() {
        let r = two("15", T, "ALTER TABLE t ALTER COLUMN code TYPE varchar(20);");
        assert!(fires(&r, "type-change-revalidates-check"), "{}", shown(&r));
        assert!(shown(&r).contains("`code_ok`"));
    }

    #[test]
    fn rewrite_is_left_to_change_column_type() {
        let r = two("15", T, "ALTER TABLE t ALTER COLUMN n TYPE bigint;");
        assert!(!fires(&r, "type-change-revalidates-check"));
        assert!(fires(&r, "change-column-type"));
    }

    #[test]
    fn unchecked_column_dropped_check_and_not_valid_check_are_fine() {
        assert!(!flags(
            "ALTER TABLE t ADD COLUMN s varchar(5);\nALTER TABLE t ALTER COLUMN s TYPE varchar(9);"
        ));
        assert!(!flags(
            "ALTER TABLE t DROP CONSTRAINT code_ok, ALTER COLUMN code TYPE text, ADD CONSTRAINT code_ok CHECK (length(code) > 1) NOT VALID;"
        ));
        assert!(!flags(
            "ALTER TABLE t DROP CONSTRAINT code_ok;\nALTER TABLE t ADD CONSTRAINT code_ok CHECK (length(code) > 1) NOT VALID;\nALTER TABLE t ALTER COLUMN code TYPE text;"
        ));
    }

    #[test]
    fn unnamed_and_table_level_checks_count() {
        let r = two(
            "15",
            "CREATE TABLE t (id bigint, a numeric(5,2), CHECK (a IS NULL OR a BETWEEN 0 AND 100));",
            "ALTER TABLE t ALTER COLUMN a TYPE numeric(7,2);",
        );
        assert!(fires(&r, "type-change-revalidates-check"), "{}", shown(&r));
    }

    #[test]
    fn dropping_an_unnamed_check_by_its_default_name_counts() {
        let setup =
            "CREATE TABLE t (id bigint, a numeric(5,2) CHECK (a > 0), b int, CHECK (a < b));";
        let r = two(
            "15",
            setup,
            "ALTER TABLE t DROP CONSTRAINT t_a_check, DROP CONSTRAINT t_check, ALTER COLUMN a TYPE numeric(7,2);",
        );
        assert!(!fires(&r, "type-change-revalidates-check"), "{}", shown(&r));
        let r = two(
            "15",
            setup,
            "ALTER TABLE t DROP CONSTRAINT t_a_check, ALTER COLUMN a TYPE numeric(7,2);",
        );
        assert!(shown(&r).contains("CHECK (a < b)"), "{}", shown(&r));
    }

    #[test]
    fn similar_names_do_not_count() {
        let r = two(
            "15",
            "CREATE TABLE t (id bigint, code varchar(5), code2 int CHECK (code2 > 0));",
            "ALTER TABLE t ALTER COLUMN code TYPE text;",
        );
        assert!(!fires(&r, "type-change-revalidates-check"), "{}", shown(&r));
    }
}
