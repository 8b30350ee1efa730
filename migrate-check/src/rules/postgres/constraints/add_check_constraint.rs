//! `add-check-constraint`: a CHECK constraint added without `NOT VALID` to an existing table.

use sqlparser::ast::{AlterTableOperation, ColumnOption, Statement, TableConstraint};

use crate::config::{Dialect, Level};
use crate::locks::LockMode;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-check-constraint",
    dialects: &[PG, MY],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a CHECK constraint without `NOT VALID` to an existing table blocks every read and write while all rows are checked",
    explanation: "ALTER TABLE … ADD CONSTRAINT … CHECK takes an ACCESS EXCLUSIVE lock and, unless the constraint is NOT VALID, reads every row to verify it before committing: every query on the table waits for a time proportional to its size. A CHECK written on the column in ADD COLUMN is verified the same way, although the new column holds only NULLs or its default. With NOT VALID the ADD is metadata-only (the ACCESS EXCLUSIVE lock lasts an instant and new rows are checked from then on); ALTER TABLE … VALIDATE CONSTRAINT, run in a later transaction, scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on. This holds on every PostgreSQL version; a table created earlier in the same migration is exempt. On MySQL ≥ 8.0.16 and MariaDB ≥ 10.2 (which enforce CHECK constraints) ADD CHECK copies the table and checks every row while writes wait, and there is no NOT VALID: the constraint is best declared when the table is created.",
    lock: "ACCESS EXCLUSIVE on the table while every row is checked: blocks every read and every write",
    safe_alternative: "add the constraint `NOT VALID` (`ALTER TABLE t ADD CONSTRAINT c CHECK (…) NOT VALID`), then run `ALTER TABLE t VALIDATE CONSTRAINT c` in a later migration; for a new column, add the column without the CHECK first and the constraint that way",
    equivalents: "squawk: constraint-missing-not-valid · eugene: E1 · strong_migrations: add_check_constraint · Atlas: PG305 · django-pg-zero-downtime, safe-pg-migrations: rewritten to NOT VALID + VALIDATE",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_amount_positive.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0); -- expect: add-check-constraint
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;
",
        },
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_discount.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0); -- expect: add-check-constraint
-- migrate:down
ALTER TABLE orders DROP COLUMN discount;
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, quantity int NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_quantity_positive.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0); -- expect: add-check-constraint
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_quantity_positive;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
-- a new table: its constraints are checked against no rows
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL CHECK (amount >= 0));
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_amount_positive.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;
-- file: 0003_validate_orders_amount_positive.sql
-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
-- migrate:irreversible: a validated constraint stays validated; 0002's down drops it
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, quantity int NOT NULL, CONSTRAINT orders_quantity_positive CHECK (quantity > 0)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return;
    };
    let table = object(&at.name);
    if ctx.is_new_table(&table) {
        return;
    }
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    let lock = format!(
        "{} on `{table}` while every row is checked: blocks {}",
        LockMode::AccessExclusive,
        LockMode::AccessExclusive.blocks()
    );
    for op in &at.operations {
        match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Check(c),
                not_valid: false,
            } if c.enforced != Some(false) => {
                let what = match &c.name {
                    Some(n) => format!("CHECK constraint `{}`", ident(n)),
                    None => "a CHECK constraint".to_string(),
                };
                out.report(
                    format!("adding {what} to existing table `{table}` without NOT VALID checks every row under ACCESS EXCLUSIVE"),
                    format!("every read and write of `{table}` waits while all its rows are checked"),
                )
                .lock = Some(lock.clone());
            }
            AlterTableOperation::AddColumn { column_def, .. } => {
                let checked = column_def.options.iter().any(
                    |o| matches!(&o.option, ColumnOption::Check(c) if c.enforced != Some(false)),
                );
                if checked {
                    let column = ident(&column_def.name);
                    let f = out.report(
                        format!("adding column `{column}` with a CHECK constraint to existing table `{table}` checks every row under ACCESS EXCLUSIVE"),
                        format!("every read and write of `{table}` waits while all its rows are checked"),
                    );
                    f.lock = Some(lock.clone());
                    f.help = Some(format!(
                        "add `{column}` without the CHECK, then `ALTER TABLE {table} ADD CONSTRAINT … CHECK (…) NOT VALID`, and `VALIDATE CONSTRAINT` it in a later migration"
                    ));
                }
            }
            _ => {}
        }
    }
}

/// MySQL/MariaDB: the online-DDL model says when an ADD CHECK copies (the
/// server enforces CHECK constraints and the constraint is not `NOT ENFORCED`).
fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    crate::rules::mysql::support::report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == crate::mysql_ddl::Change::AddCheck).then(|| {
            (
                format!("adding a CHECK constraint to existing table `{table}` copies it and checks every row"),
                "ALGORITHM=COPY: writes wait until every row is checked".into(),
            )
        })
    });
    for f in &mut out.items {
        f.help = Some("declare CHECK constraints when creating the table; on a large existing table MySQL has no NOT VALID: add it off peak, or with gh-ost / pt-online-schema-change (`NOT ENFORCED` adds it without checking, but enforcing it later copies the table again)".into());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SETUP, hits, lint, migration};

    const ID: &str = "add-check-constraint";

    fn second(up: &str) -> Vec<(String, u32)> {
        let m = migration(up, "SELECT 1;");
        hits(&lint("11", &[SETUP, ("0002_x.sql", &m)]), ID)
    }

    #[test]
    fn check_without_not_valid_on_an_existing_table_is_reported() {
        assert_eq!(
            second("ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);"),
            [("0002_x.sql".to_string(), 2)]
        );
        // Unnamed, and among other operations.
        assert_eq!(
            second("ALTER TABLE orders ADD COLUMN note text, ADD CHECK (amount > 0);").len(),
            1
        );
    }

    #[test]
    fn not_valid_is_the_safe_way() {
        assert!(
            second("ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;").is_empty()
        );
        // PostgreSQL 18: a NOT ENFORCED check is never checked.
        assert!(
            second("ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT ENFORCED;")
                .is_empty()
        );
    }

    #[test]
    fn column_check_scans_the_table_too() {
        // PostgreSQL verifies a column CHECK of ADD COLUMN against every row
        // (measured: the time grows with the table even for `CHECK (x IS NULL)`).
        assert_eq!(
            second("ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);").len(),
            1
        );
        assert!(second("ALTER TABLE orders ADD COLUMN qty int;").is_empty());
    }

    #[test]
    fn new_tables_are_exempt() {
        let m = migration(
            "CREATE TABLE items (id bigint, qty int);\nALTER TABLE items ADD CONSTRAINT c CHECK (qty > 0);\nALTER TABLE items ADD COLUMN n int CHECK (n > 0);",
            "DROP TABLE items;",
        );
        assert!(hits(&lint("11", &[("0001_x.sql", &m)]), ID).is_empty());
    }

    #[test]
    fn other_constraints_are_not_this_rule() {
        assert!(second("ALTER TABLE orders ADD CONSTRAINT u UNIQUE (id);").is_empty());
        assert!(second("ALTER TABLE orders VALIDATE CONSTRAINT c;").is_empty());
    }
}
