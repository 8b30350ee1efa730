//! `drop-foreign-key`: dropping a foreign key, explicitly or through `DROP CONSTRAINT … CASCADE`.

use sqlparser::ast::{AlterTableOperation, DropBehavior, Statement};

use crate::config::{Dialect, Level};
use crate::model::{ConstraintKind, ident, object};
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::helpers::{fks_added, model_fk};
use crate::rules::sqlite::support::{LT3_53, dropped_tables, rebuild_dropping};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-foreign-key",
    dialects: &[PG, MY, LT],
    default_level: Level::Warn,
    versions: &[],
    summary: "dropping a foreign key: the database stops guarding the reference",
    explanation: "Once the constraint is gone nothing stops rows that point at missing parents, and ON DELETE actions stop happening; code that relied on them (cascading deletes, errors on bad references) changes behaviour silently, and putting the constraint back later means finding and fixing every orphan first. `DROP CONSTRAINT … CASCADE` on a primary key or unique constraint drops every foreign key that references it, on other tables too. The statement itself is quick (a brief ACCESS EXCLUSIVE lock on both tables). The model must know the constraint is a foreign key: constraints created outside the migrations are not reported. Constraints of a table created in the same migration, a foreign key replaced in the same migration by one on the same columns and table (to change its ON DELETE action, say), and the down section (which undoes its own up) are exempt. A warning: dropping a foreign key is sometimes the point (splitting a service, partitioning). SQLite (before 3.53, no DROP CONSTRAINT) drops a foreign key by rebuilding the table without it: the DROP TABLE of such a rebuild is reported. On MySQL, `DROP FOREIGN KEY name` is the same loss (its index stays).",
    lock: "",
    safe_alternative: "make sure the reference is enforced elsewhere, or no longer needed, then drop it with `-- migrate:allow(drop-foreign-key): <why>`; to replace it, add the new constraint `NOT VALID` and validate it before dropping the old one",
    equivalents: "Atlas: CD101",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL CONSTRAINT orders_user_id_fk REFERENCES users (id)
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_drop_orders_user_id_fk.sql
-- migrate:up
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk; -- expect: drop-foreign-key
-- migrate:down
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_orders_without_user_fk.sql
-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);
INSERT INTO new_orders (id, user_id) SELECT id, user_id FROM orders;
DROP TABLE orders; -- expect: drop-foreign-key
ALTER TABLE new_orders RENAME TO orders;
CREATE INDEX orders_user_id_idx ON orders (user_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
-- migrate:irreversible: the reference is enforced by the billing service from now on
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
-- file: 0002_drop_orders_customer_fk.sql
-- migrate:up
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk; -- expect: drop-foreign-key
-- migrate:down
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL CONSTRAINT orders_user_id_fk REFERENCES users (id),
    amount numeric NOT NULL CONSTRAINT orders_amount_check CHECK (amount >= 0)
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_orders_move_to_billing.sql
-- migrate:up
-- not a foreign key: not this rule
ALTER TABLE orders DROP CONSTRAINT orders_amount_check;
-- migrate:allow(drop-foreign-key): users move to the identity service in 5.0; billing checks user ids on write
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fk;
-- migrate:down
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_orders_without_user_fk.sql
-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);
INSERT INTO new_orders (id, user_id) SELECT id, user_id FROM orders;
-- migrate:allow(drop-foreign-key): users move to the identity service in 5.0; billing checks user ids on write
DROP TABLE orders;
ALTER TABLE new_orders RENAME TO orders;
CREATE INDEX orders_user_id_idx ON orders (user_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
-- migrate:irreversible: the reference is enforced by the billing service from now on
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE customers (id bigint PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
DROP TABLE customers;
-- file: 0002_orders_customer_fk_cascade.sql
-- migrate:up
SET foreign_key_checks = 0;
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk, ADD CONSTRAINT orders_customer_fk_2 FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
-- migrate:down
SET foreign_key_checks = 0;
ALTER TABLE orders DROP FOREIGN KEY orders_customer_fk_2, ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // The model does not record which migration added a constraint: a down
    // section is taken to drop what its up added.
    if ctx.section == SectionKind::Down {
        return;
    }
    if ctx.dialect == Dialect::Sqlite {
        sqlite_rebuild(ctx, stmt, out);
        // Before 3.53 SQLite has no DROP CONSTRAINT (`sqlite-unsupported-alter`).
        if ctx.version < LT3_53 {
            return;
        }
    }
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return;
    };
    let table = object(&at.name);
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let (name, drop_behavior) = match op {
            AlterTableOperation::DropConstraint {
                name,
                drop_behavior,
                ..
            }
            // MySQL `DROP FOREIGN KEY name`.
            | AlterTableOperation::DropForeignKey {
                name,
                drop_behavior,
            } => (name, drop_behavior),
            _ => continue,
        };
        let name = ident(name);
        if let Some((columns, parent)) = model_fk(ctx.schema, &table, &name) {
            // Replaced in the same migration (to change ON DELETE, say): the
            // reference stays guarded.
            let replaced = ctx.statements.iter().any(|s| {
                fks_added(s)
                    .iter()
                    .any(|fk| fk.table == table && fk.columns == columns && fk.references == parent)
            });
            if replaced {
                continue;
            }
            out.report(
                format!(
                    "dropping foreign key `{name}` of `{table} ({})` referencing `{parent}`",
                    columns.join(", ")
                ),
                format!("from now on `{table}` may hold rows pointing at missing `{parent}` rows"),
            );
        } else if *drop_behavior == Some(DropBehavior::Cascade)
            && let Some(cols) = key(ctx, &table, &name)
        {
            out.report(
                format!("dropping `{name}` with CASCADE drops every foreign key that references `{table} ({})`", cols.join(", ")),
                "the referencing tables lose their foreign keys silently",
            )
            .help = Some(format!(
                "drop the referencing foreign keys one by one (each is reported, and can be allowed with its reason), then drop `{name}` without CASCADE"
            ));
        }
    }
}

/// SQLite drops a foreign key by rebuilding the table without it: the
/// `DROP TABLE` of a rebuild whose new table lacks a foreign key of the old.
fn sqlite_rebuild(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    for table in dropped_tables(stmt) {
        let Some(rebuild) = rebuild_dropping(ctx, &table) else {
            continue;
        };
        let fks = |name: &str| -> Vec<(Vec<String>, String)> {
            ctx.schema
                .table(name)
                .into_iter()
                .flat_map(|t| &t.constraints)
                .filter_map(|c| match &c.kind {
                    ConstraintKind::ForeignKey {
                        columns,
                        references,
                        ..
                    } => Some((columns.clone(), references.clone())),
                    _ => None,
                })
                .collect()
        };
        let kept = fks(&rebuild.new);
        for (columns, parent) in fks(&table) {
            // A self-reference follows the table under its new name.
            let same = |(c, p): &(Vec<String>, String)| {
                *c == columns && (*p == parent || (parent == table && *p == rebuild.new))
            };
            if kept.iter().any(same) {
                continue;
            }
            out.report(
                format!(
                    "rebuilding `{table}` drops its foreign key `{table} ({})` referencing `{parent}`: `{}` has none on these columns",
                    columns.join(", "),
                    rebuild.new
                ),
                format!("from now on `{table}` may hold rows pointing at missing `{parent}` rows"),
            );
        }
    }
}

/// The columns of primary key or unique constraint `name` of `table`
/// (unnamed ones answer to PostgreSQL's default names).
fn key(ctx: &Ctx<'_>, table: &str, name: &str) -> Option<Vec<String>> {
    ctx.schema.table(table)?.constraints.iter().find_map(|c| {
        let (cols, default) = match &c.kind {
            ConstraintKind::PrimaryKey(cols) => (cols, format!("{table}_pkey")),
            ConstraintKind::Unique(cols) => (cols, format!("{table}_{}_key", cols.join("_"))),
            _ => return None,
        };
        let named = match &c.name {
            Some(n) => n == name,
            None => default == name,
        };
        named.then(|| cols.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "drop-foreign-key";

    fn with_setup(up: &str, down: &str) -> Vec<(String, u32)> {
        let setup = migration(
            "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), buyer_id bigint, CONSTRAINT buyer_fk FOREIGN KEY (buyer_id) REFERENCES users (id), CONSTRAINT positive CHECK (id > 0));",
            "DROP TABLE orders;\nDROP TABLE users;",
        );
        let m = migration(up, down);
        hits(
            &lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", &m)]),
            ID,
        )
    }

    #[test]
    fn named_and_default_named_foreign_keys_are_reported() {
        assert_eq!(
            with_setup("ALTER TABLE orders DROP CONSTRAINT buyer_fk;", "SELECT 1;"),
            [("0002_b.sql".to_string(), 2)]
        );
        // PostgreSQL named the unnamed one `orders_user_id_fkey`.
        assert_eq!(
            with_setup(
                "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_id_fkey;",
                "SELECT 1;"
            )
            .len(),
            1
        );
    }

    #[test]
    fn other_constraints_and_unknown_ones_are_not() {
        assert!(with_setup("ALTER TABLE orders DROP CONSTRAINT positive;", "SELECT 1;").is_empty());
        // Not in the model: we cannot tell it is a foreign key.
        assert!(
            with_setup(
                "ALTER TABLE orders DROP CONSTRAINT IF EXISTS legacy_fk;",
                "SELECT 1;"
            )
            .is_empty()
        );
    }

    #[test]
    fn cascade_on_a_referenced_key_drops_foreign_keys() {
        assert_eq!(
            with_setup(
                "ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;",
                "SELECT 1;"
            )
            .len(),
            1
        );
        assert!(
            with_setup("ALTER TABLE users DROP CONSTRAINT users_pkey;", "SELECT 1;").is_empty()
        );
    }

    #[test]
    fn a_foreign_key_replaced_in_the_same_migration_is_not_lost() {
        assert!(with_setup(
            "ALTER TABLE orders DROP CONSTRAINT buyer_fk, ADD CONSTRAINT buyer_fk2 FOREIGN KEY (buyer_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;",
            "SELECT 1;"
        )
        .is_empty());
        assert!(with_setup(
            "ALTER TABLE orders ADD CONSTRAINT buyer_fk2 FOREIGN KEY (buyer_id) REFERENCES users (id) ON DELETE SET NULL NOT VALID;\nALTER TABLE orders DROP CONSTRAINT buyer_fk;",
            "SELECT 1;"
        )
        .is_empty());
        // Another column is another reference.
        assert_eq!(
            with_setup(
                "ALTER TABLE orders DROP CONSTRAINT buyer_fk, ADD CONSTRAINT fk3 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
                "SELECT 1;"
            )
            .len(),
            1
        );
    }

    #[test]
    fn down_sections_and_new_tables_are_exempt() {
        assert!(with_setup(
            "ALTER TABLE orders ADD CONSTRAINT fk2 FOREIGN KEY (buyer_id) REFERENCES users (id) NOT VALID;",
            "ALTER TABLE orders DROP CONSTRAINT fk2;"
        )
        .is_empty());
        assert!(with_setup(
            "CREATE TABLE t (u bigint CONSTRAINT tfk REFERENCES users (id));\nALTER TABLE t DROP CONSTRAINT tfk;",
            "DROP TABLE t;"
        )
        .is_empty());
    }
}
