//! `validate-in-same-transaction`: `VALIDATE CONSTRAINT` in the transaction that added it `NOT VALID`.

use sqlparser::ast::{AlterTableOperation, Statement, TableConstraint};

use crate::config::Level;
use crate::locks::LockMode;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, HeldLock, PG, Rule};
use crate::statement::Stmt;

use super::helpers::{FkForm, current_transaction, fks_added, model_fk};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "validate-in-same-transaction",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`VALIDATE CONSTRAINT` in the same transaction as the `ADD … NOT VALID` scans the table under the ADD's lock",
    explanation: "NOT VALID exists so that the row check can run later under a weak lock: VALIDATE CONSTRAINT alone takes SHARE UPDATE EXCLUSIVE, which lets reads and writes go on. But locks are held until the transaction ends, so when the VALIDATE runs in the transaction that added the constraint, the ADD's lock is still held during the whole scan — ACCESS EXCLUSIVE for a CHECK (every read and write waits), SHARE ROW EXCLUSIVE on both tables for a foreign key (every write waits) — which is exactly what NOT VALID was meant to avoid. The same holds when any earlier statement of the transaction took a lock that blocks writes on the table. The runner wraps each migration in a transaction unless it is marked `-- migrate:no-transaction`, so the ADD and the VALIDATE belong in separate migrations. This holds on every PostgreSQL version.",
    lock: "the lock the ADD took, held until COMMIT while every row is checked (ACCESS EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE on both tables for FOREIGN KEY)",
    safe_alternative: "commit the `ADD … NOT VALID` first: move `ALTER TABLE t VALIDATE CONSTRAINT c` to a later migration",
    equivalents: "squawk: constraint-missing-not-valid (second message) · strong_migrations: validate_foreign_key, validate_check_constraint",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_amount_positive.sql
-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive; -- expect: validate-in-same-transaction
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;
",
    }],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
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
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_amount_positive.sql
-- migrate:up
-- migrate:no-transaction
-- each statement commits on its own: the ADD's lock is gone before the scan
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;
-- migrate:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if !ctx.in_transaction {
        return;
    }
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return;
    };
    let table = object(&at.name);
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::ValidateConstraint { name } = op else {
            continue;
        };
        let name = ident(name);
        let held_on = |t: &str| -> Option<&HeldLock> {
            ctx.state
                .held
                .iter()
                .filter(|h| h.lock.table == t)
                .max_by_key(|h| h.lock.mode)
        };
        if let Some(add_line) = added_not_valid(ctx, &table, &name) {
            let held = held_on(&table);
            let mode = held.map_or(LockMode::AccessExclusive, |h| h.lock.mode);
            let line = add_line.map_or(String::new(), |l| format!(" (line {l})"));
            out.report(
                format!("VALIDATE CONSTRAINT `{name}` runs in the same transaction as its ADD … NOT VALID{line}"),
                format!("{mode} on `{table}` from the ADD is held while every row is checked"),
            )
            .lock = Some(format!(
                "{mode} on `{table}`, held until COMMIT while every row is checked: blocks {}",
                mode.blocks()
            ));
            continue;
        }
        // Another statement of this transaction took a lock that blocks
        // writes on the table (or, for a foreign key, on the referenced one).
        let parent = model_fk(ctx.schema, &table, &name).map(|(_, p)| p);
        let blocking = std::iter::once(table.as_str())
            .chain(parent.as_deref())
            .filter_map(held_on)
            .filter(|h| h.lock.mode.blocks_writes())
            .max_by_key(|h| h.lock.mode);
        if let Some(h) = blocking {
            let (mode, on) = (h.lock.mode, &h.lock.table);
            out.report(
                format!("VALIDATE CONSTRAINT `{name}` on `{table}` runs while this transaction holds {mode} on `{on}` (line {})", h.line),
                format!("{} on `{on}` wait while every row of `{table}` is checked", mode.blocks()),
            )
            .lock = Some(format!(
                "{mode} on `{on}`, taken at line {} and held until COMMIT: blocks {}",
                h.line,
                mode.blocks()
            ));
        }
    }
}

/// Whether constraint `name` of `table` was added `NOT VALID` earlier in the
/// current transaction, and the line of the ADD when it is found.
fn added_not_valid(ctx: &Ctx<'_>, table: &str, name: &str) -> Option<Option<u32>> {
    let tx = current_transaction(ctx);
    let found = ctx.statements[tx.start..ctx.position].iter().rev().find(|s| {
        // Foreign keys, named or named by PostgreSQL's default.
        fks_added(s).iter().any(|fk| {
            fk.table == table
                && fk.form == (FkForm::AddConstraint { not_valid: true })
                && fk.name.as_deref() == Some(name)
        }) || matches!(s.ast(), Some(Statement::AlterTable(at)) if object(&at.name) == table
            && at.operations.iter().any(|op| matches!(op,
                AlterTableOperation::AddConstraint { constraint: TableConstraint::Check(c), not_valid: true }
                    if c.name.as_ref().map(ident).as_deref() == Some(name))))
    });
    match found {
        Some(s) => Some(Some(s.line)),
        None => ctx
            .state
            .not_valid
            .contains(&(table.to_string(), name.to_string()))
            .then_some(None),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SETUP, hits, lint, messages, migration};

    const ID: &str = "validate-in-same-transaction";

    fn second(file: &str) -> Vec<(String, u32)> {
        hits(&lint("11", &[SETUP, ("0002_x.sql", file)]), ID)
    }

    #[test]
    fn check_added_and_validated_in_one_migration() {
        let m = migration(
            "ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;",
            "ALTER TABLE orders DROP CONSTRAINT c;",
        );
        assert_eq!(second(&m), [("0002_x.sql".to_string(), 3)]);
        let r = lint("11", &[SETUP, ("0002_x.sql", &m)]);
        assert!(
            messages(&r, ID)[0].contains("line 2"),
            "{:?}",
            messages(&r, ID)
        );
    }

    #[test]
    fn unnamed_foreign_key_by_its_default_name() {
        let m = migration(
            "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;",
            "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;",
        );
        assert_eq!(second(&m).len(), 1);
    }

    #[test]
    fn separate_migrations_are_safe() {
        let add = migration(
            "ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;",
            "ALTER TABLE orders DROP CONSTRAINT c;",
        );
        let validate = "-- migrate:up\nALTER TABLE orders VALIDATE CONSTRAINT c;\n-- migrate:irreversible: stays validated\n";
        let r = lint(
            "11",
            &[SETUP, ("0002_x.sql", &add), ("0003_y.sql", validate)],
        );
        assert!(hits(&r, ID).is_empty());
    }

    #[test]
    fn no_transaction_commits_in_between() {
        let m = "-- migrate:up\n-- migrate:no-transaction\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\n-- migrate:down\nALTER TABLE orders DROP CONSTRAINT c;\n";
        assert!(second(m).is_empty());
        // But an explicit transaction there is one transaction again.
        let m = "-- migrate:up\n-- migrate:no-transaction\nBEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\nCOMMIT;\n-- migrate:down\nALTER TABLE orders DROP CONSTRAINT c;\n";
        assert_eq!(second(m), [("0002_x.sql".to_string(), 5)]);
    }

    #[test]
    fn a_write_blocking_lock_from_another_statement_counts() {
        let m = migration(
            "ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders VALIDATE CONSTRAINT old_check;",
            "ALTER TABLE orders DROP COLUMN note;",
        );
        let r = lint("11", &[SETUP, ("0002_x.sql", &m)]);
        assert_eq!(hits(&r, ID), [("0002_x.sql".to_string(), 3)]);
        assert!(messages(&r, ID)[0].contains("ACCESS EXCLUSIVE"));
        // A lock on some other table is not this rule's business.
        let m = migration(
            "ALTER TABLE users ADD COLUMN note text;\nALTER TABLE orders VALIDATE CONSTRAINT old_check;",
            "ALTER TABLE users DROP COLUMN note;",
        );
        assert!(second(&m).is_empty());
    }

    #[test]
    fn new_tables_are_exempt() {
        let m = migration(
            "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;",
            "DROP TABLE t;",
        );
        assert!(second(&m).is_empty());
    }
}
