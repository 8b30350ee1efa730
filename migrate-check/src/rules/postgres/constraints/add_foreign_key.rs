//! `add-foreign-key`: a foreign key added without `NOT VALID` where PostgreSQL must check existing rows.

use crate::config::{Dialect, Level};
use crate::locks::LockMode;
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

use super::helpers::{FkForm, filled_earlier, fks_added};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-foreign-key",
    dialects: &[PG, MY],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a foreign key without `NOT VALID` to an existing table blocks writes on both tables while every row is checked",
    explanation: "ALTER TABLE … ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE locks on the referencing and the referenced table and, unless the constraint is NOT VALID, looks up every existing row in the referenced table before committing: INSERT, UPDATE and DELETE on both tables wait for a time proportional to the referencing table. ADD COLUMN … REFERENCES is checked the same way when the new column gets a value in existing rows (any DEFAULT, even DEFAULT NULL, a generated expression, an identity or a serial type), and then under ACCESS EXCLUSIVE, which blocks reads too; without one the column is all NULL and PostgreSQL skips the check (measured: constant time on 3M rows), but the form is still reported: the key takes SHARE ROW EXCLUSIVE on the referenced table, held until the migration commits, and takes it while the table is already locked ACCESS EXCLUSIVE, so a long query on the referenced table stops all traffic on both. With NOT VALID the ADD is metadata-only and ALTER TABLE … VALIDATE CONSTRAINT, run in a later transaction, checks the rows under SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the referenced one, which let reads and writes go on. A foreign key from a table created in the same migration is not reported: the table is empty, so PostgreSQL checks nothing and holds SHARE ROW EXCLUSIVE on the referenced table only for the catalog update (waiting for that lock is what `require-lock-timeout` is about) — unless rows were copied into the new table earlier in the migration, in which case they are checked while writes to the referenced table wait. This holds on every PostgreSQL version. On MySQL and MariaDB, ADD FOREIGN KEY on an existing table copies it (ALGORITHM=COPY, writes blocked) unless `foreign_key_checks` is 0, when it is added in place without checking the existing rows — only safe when they are known to be valid.",
    lock: "SHARE ROW EXCLUSIVE on the table and on the referenced table while every row is checked: blocks INSERT, UPDATE and DELETE on both (reads go on)",
    safe_alternative: "add the foreign key `NOT VALID` (`ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES p (id) NOT VALID`), then run `ALTER TABLE t VALIDATE CONSTRAINT fk` in a later migration",
    equivalents: "squawk: adding-foreign-key-constraint · eugene: E1 · strong_migrations: add_foreign_key · Atlas: PG306 · django-pg-zero-downtime, safe-pg-migrations: rewritten to NOT VALID + VALIDATE",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_orders_user_id_fk.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id); -- expect: add-foreign-key
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk;
",
        },
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders_and_currencies.sql
-- migrate:up
CREATE TABLE currencies (code text PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
DROP TABLE currencies;
-- file: 0002_orders_currency.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR' REFERENCES currencies (code); -- expect: add-foreign-key
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, KEY orders_customer_idx (customer_id)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
-- file: 0002_orders_customer_fk.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id); -- expect: add-foreign-key
-- migrate:down
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_orders_user_id_fk.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- a new, empty table may reference an existing one: nothing to check
CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE INDEX invoices_user_id_idx ON invoices (user_id);
-- migrate:down
DROP TABLE invoices;
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk;
-- file: 0003_validate_orders_user_id_fk.sql
-- migrate:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fk;
-- migrate:irreversible: a validated constraint stays validated; 0002's down drops it
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, KEY orders_customer_idx (customer_id)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
-- file: 0002_orders_customer_fk.sql
-- migrate:up
-- Every orders.customer_id was checked against customers by the previous release's job.
SET foreign_key_checks = 0;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
-- migrate:down
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    for fk in fks_added(stmt) {
        if !fk.enforced {
            continue;
        }
        let table = &fk.table;
        let parent = &fk.references;
        let tables = if parent == table {
            format!("`{table}`")
        } else {
            format!("`{table}` and `{parent}`")
        };
        let sre = LockMode::ShareRowExclusive;
        match fk.form {
            FkForm::AddConstraint { not_valid: false } if !ctx.is_new_table(table) => {
                out.report(
                    format!(
                        "adding foreign key {} to existing table `{table}` without NOT VALID checks every row while writes wait",
                        fk.describe()
                    ),
                    format!("INSERT, UPDATE and DELETE on {tables} wait while every row of `{table}` is checked"),
                )
                .lock = Some(format!(
                    "{sre} on {tables} while every row is checked: blocks {}",
                    sre.blocks()
                ));
            }
            FkForm::AddConstraint { not_valid: false } => {
                // A new table: only a problem when rows were copied into it
                // and the referenced table is one the application uses.
                let Some(line) = filled_earlier(ctx, table) else {
                    continue;
                };
                if ctx.is_new_table(parent) {
                    continue;
                }
                out.report(
                    format!(
                        "adding foreign key {} to `{table}`, filled at line {line}, checks every copied row while writes to `{parent}` wait",
                        fk.describe()
                    ),
                    format!("INSERT, UPDATE and DELETE on existing table `{parent}` wait while the rows of `{table}` are checked"),
                )
                .lock = Some(format!(
                    "{sre} on `{parent}` while every row of `{table}` is checked: blocks {}",
                    sre.blocks()
                ));
            }
            FkForm::AddColumn { filled: true } if !ctx.is_new_table(table) => {
                let column = fk.columns.join(", ");
                let f = out.report(
                    format!(
                        "adding column `{column}` with a default and a REFERENCES constraint to existing table `{table}` checks every row"
                    ),
                    format!("every read and write of `{table}`, and writes to `{parent}`, wait while all rows are checked"),
                );
                f.lock = Some(format!(
                    "{} on `{table}` (blocks {}) and {sre} on `{parent}` (blocks {}) while every row is checked",
                    LockMode::AccessExclusive,
                    LockMode::AccessExclusive.blocks(),
                    sre.blocks()
                ));
                f.help = Some(format!(
                    "add `{column}` without the default (PostgreSQL skips the check when the new column is all NULL) or without REFERENCES followed by `ADD CONSTRAINT … FOREIGN KEY … NOT VALID` and a `VALIDATE CONSTRAINT` in a later migration; set the default afterwards with `ALTER COLUMN … SET DEFAULT` and backfill in batches"
                ));
            }
            FkForm::AddColumn { filled: false } if !ctx.is_new_table(table) => {
                // Measured on PostgreSQL 15: no row is checked (the new
                // column is all NULL), but the key still locks `parent`
                // against writes until the migration commits, and is taken
                // while `table` is already locked ACCESS EXCLUSIVE: a long
                // query on `parent` then stops all traffic on both.
                let column = fk.columns.join(", ");
                let f = out.report(
                    format!(
                        "adding column `{column}` with REFERENCES `{parent}` to existing table `{table}` locks `{parent}` against writes until the migration commits"
                    ),
                    format!("waits for {sre} on `{parent}` while holding ACCESS EXCLUSIVE on `{table}`; no row is checked (the new column is all NULL)"),
                );
                f.lock = Some(format!(
                    "{} on `{table}` (blocks {}) and {sre} on `{parent}` (blocks {}) until the transaction ends",
                    LockMode::AccessExclusive,
                    LockMode::AccessExclusive.blocks(),
                    sre.blocks()
                ));
                f.help = Some(format!(
                    "set a short `lock_timeout` first, so that waiting for `{parent}` cannot queue traffic, and keep this migration to this one statement; or add `{column}` without REFERENCES and the key with `ADD CONSTRAINT … FOREIGN KEY … NOT VALID` in its own short migration, validated in a later one"
                ));
            }
            _ => {}
        }
    }
}

/// MySQL/MariaDB: ADD FOREIGN KEY copies the table unless an earlier
/// `SET foreign_key_checks = 0` lets it run in place (the online-DDL model
/// decides).
fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    use crate::mysql_ddl::{Algorithm, Change};
    crate::rules::mysql::support::report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::AddForeignKey && a.cost.algorithm == Algorithm::Copy).then(|| {
            (
                format!(
                    "adding a foreign key to existing table `{table}` copies it while writes wait"
                ),
                "ALGORITHM=COPY: with foreign_key_checks on, every row is copied and checked"
                    .into(),
            )
        })
    });
    for f in &mut out.items {
        f.help = Some("when the existing rows are known to satisfy the key, run `SET foreign_key_checks = 0;` before the ALTER and `SET foreign_key_checks = 1;` after it: the key is then added in place without checking them; otherwise check and fix the data first, or declare the key when creating the table".into());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SETUP, hits, lint, migration};

    const ID: &str = "add-foreign-key";

    fn second(up: &str) -> Vec<(String, u32)> {
        let m = migration(up, "SELECT 1;");
        hits(&lint("11", &[SETUP, ("0002_x.sql", &m)]), ID)
    }

    #[test]
    fn fk_without_not_valid_on_an_existing_table_is_reported() {
        assert_eq!(
            second(
                "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);"
            ),
            [("0002_x.sql".to_string(), 2)]
        );
        assert_eq!(
            second("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;").len(),
            1
        );
        // Referencing an existing table from an existing table, where the
        // referenced one is new: the existing rows are still checked.
        assert_eq!(
            second("CREATE TABLE shops (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN shop_id bigint;\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (shop_id) REFERENCES shops (id);").len(),
            1
        );
    }

    #[test]
    fn not_valid_and_not_enforced_check_nothing() {
        assert!(second("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;").is_empty());
        // PostgreSQL 18: a NOT ENFORCED foreign key is never checked.
        assert!(second("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT ENFORCED;").is_empty());
    }

    #[test]
    fn add_column_references_checks_rows_only_when_the_column_is_filled() {
        // Without a default the new column is all NULL: PostgreSQL skips the
        // check (measured on PostgreSQL 15: constant time on 3M rows), but
        // the referenced table is still locked against writes until commit.
        let m = migration(
            "ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);",
            "SELECT 1;",
        );
        let report = lint("11", &[SETUP, ("0002_x.sql", &m)]);
        let found: Vec<_> = report.diagnostics.iter().filter(|d| d.rule == ID).collect();
        assert_eq!(found.len(), 1);
        assert!(
            found[0].label.contains("no row is checked"),
            "{}",
            found[0].label
        );
        assert!(
            found[0].message.contains("locks `users` against writes"),
            "{}",
            found[0].message
        );
        // Any default, even NULL, makes it check every row.
        assert_eq!(
            second(
                "ALTER TABLE orders ADD COLUMN buyer_id bigint DEFAULT NULL REFERENCES users (id);"
            )
            .len(),
            1
        );
        assert_eq!(second("ALTER TABLE orders ADD COLUMN buyer_id bigint NOT NULL DEFAULT 1 REFERENCES users (id);").len(), 1);
        assert_eq!(
            second("ALTER TABLE orders ADD COLUMN buyer_id bigserial REFERENCES users (id);").len(),
            1
        );
    }

    #[test]
    fn new_tables_referencing_existing_ones_are_not_reported() {
        // Empty: nothing to check; the brief SHARE ROW EXCLUSIVE on `users`
        // is a lock-timeout matter, not a scan.
        assert!(
            second("CREATE TABLE invoices (id bigint, user_id bigint REFERENCES users (id));")
                .is_empty()
        );
        assert!(second("CREATE TABLE invoices (id bigint, user_id bigint);\nALTER TABLE invoices ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);").is_empty());
    }

    #[test]
    fn new_table_filled_with_copied_rows_blocks_the_referenced_table() {
        let copied = second(
            "CREATE TABLE orders_new (id bigint, user_id bigint);\nINSERT INTO orders_new SELECT id, user_id FROM orders;\nALTER TABLE orders_new ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);",
        );
        assert_eq!(copied, [("0002_x.sql".to_string(), 4)]);
        // A few literal rows are not a copy.
        assert!(second("CREATE TABLE t (id bigint, user_id bigint);\nINSERT INTO t VALUES (1, 1);\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);").is_empty());
    }

    #[test]
    fn down_sections_are_checked_too() {
        let m = migration(
            "ALTER TABLE orders DROP CONSTRAINT IF EXISTS fk;",
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);",
        );
        assert_eq!(
            hits(&lint("15", &[SETUP, ("0002_x.sql", &m)]), ID),
            [("0002_x.sql".to_string(), 4)]
        );
    }
}
