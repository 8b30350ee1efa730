//! `fk-without-index`: a foreign key whose referencing columns have no index.

use sqlparser::ast::{ObjectType, Statement};

use crate::config::Level;
use crate::model::{ConstraintKind, object, object_text};
use crate::rules::{Ctx, Example, Findings, PG, Rule, SectionKind};
use crate::statement::{Recognized, Stmt};

use super::helpers::{covers, default_fk_name, fks_added, keys_built, keys_in_schema};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "fk-without-index",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a foreign key whose referencing columns have no index: every DELETE or key UPDATE on the referenced table scans the referencing one",
    explanation: "PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique) but not the referencing side. Each DELETE of a referenced row, and each UPDATE of its key, looks for referencing rows — with ON DELETE CASCADE or SET NULL, to change them — and without an index whose leading columns are the foreign key's columns that lookup is a sequential scan of the referencing table, under the row locks of the statement. Deletes on the parent table get slower as the child grows, and a batch delete becomes quadratic. An index created later in the same migration counts; one created in a later migration is not seen. Dropping the last index that served a foreign key is reported too. A warning: a small or append-only referencing table may not need one.",
    lock: "",
    safe_alternative: "index the referencing columns: on a table created in this migration with a plain `CREATE INDEX`, on an existing table with `CREATE INDEX CONCURRENTLY` in a migration of its own marked `-- migrate:no-transaction` (before the foreign key is added, so that it is never missing)",
    equivalents: "eugene: E15 (trace only)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id)); -- expect: fk-without-index
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users_orders_and_groups.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE groups (id bigint PRIMARY KEY);
-- the primary key's leading column serves the foreign key on user_id
CREATE TABLE memberships (
    user_id bigint NOT NULL REFERENCES users (id),
    group_id bigint NOT NULL REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX memberships_group_id_idx ON memberships (group_id);
-- migrate:down
DROP TABLE memberships;
DROP TABLE groups;
DROP TABLE orders;
DROP TABLE users;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let later = &ctx.statements[ctx.position + 1..];
    let built_later = |table: &str, columns: &[String]| {
        later
            .iter()
            .any(|s| keys_built(s, table).iter().any(|k| covers(k, columns)))
    };

    for fk in fks_added(stmt) {
        if !fk.enforced {
            continue;
        }
        let (table, cols) = (&fk.table, &fk.columns);
        let indexed = keys_in_schema(ctx.schema, table)
            .iter()
            .any(|(_, k)| covers(k, cols))
            || keys_built(stmt, table).iter().any(|k| covers(k, cols))
            || built_later(table, cols);
        if indexed {
            continue;
        }
        let columns = cols.join(", ");
        let f = out.report(
            format!(
                "foreign key {} has no index on `{table} ({columns})`",
                fk.describe()
            ),
            format!(
                "each DELETE or key UPDATE on `{}` scans `{table}`",
                fk.references
            ),
        );
        f.help = Some(
            if ctx.is_new_table(table) || ctx.schema.table(table).is_none() {
                format!("create an index on `{table} ({columns})` in this migration")
            } else {
                format!(
                    "create an index on `{table} ({columns})` with `CREATE INDEX CONCURRENTLY` in a migration of its own marked `-- migrate:no-transaction`, before this one"
                )
            },
        );
    }

    // Dropping the index a foreign key relied on.
    let dropped: Vec<String> = match (stmt.ast(), stmt.recognized()) {
        (
            Some(Statement::Drop {
                object_type: ObjectType::Index,
                names,
                ..
            }),
            _,
        ) => names.iter().map(object).collect(),
        (_, Some(Recognized::DropIndexConcurrently { names, .. })) => {
            names.iter().map(|n| object_text(n)).collect()
        }
        _ => return,
    };
    for name in dropped {
        let Some(index) = ctx.schema.index(&name) else {
            continue;
        };
        // Undoing what this migration's up created restores the state before it.
        if ctx.section == SectionKind::Down && index.created_in == ctx.migration {
            continue;
        }
        let Some(table) = ctx.schema.table(&index.table) else {
            continue;
        };
        let others: Vec<Vec<String>> = keys_in_schema(ctx.schema, &table.name)
            .into_iter()
            .filter(|(n, _)| n.as_deref() != Some(name.as_str()))
            .map(|(_, k)| k)
            .collect();
        for c in &table.constraints {
            let ConstraintKind::ForeignKey {
                columns,
                references,
                ..
            } = &c.kind
            else {
                continue;
            };
            if !covers(&index.columns, columns)
                || others.iter().any(|k| covers(k, columns))
                || built_later(&table.name, columns)
            {
                continue;
            }
            let fk = c
                .name
                .clone()
                .or_else(|| default_fk_name(&table.name, columns))
                .map_or(String::new(), |n| format!(" `{n}`"));
            out.report(
                format!(
                    "dropping index `{name}` leaves foreign key{fk} on `{} ({})` without an index",
                    table.name,
                    columns.join(", ")
                ),
                format!(
                    "each DELETE or key UPDATE on `{references}` will scan `{}`",
                    table.name
                ),
            )
            .help = Some("keep the index, or create the replacement before dropping it".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SETUP, hits, lint, migration};

    const ID: &str = "fk-without-index";

    fn one(up: &str) -> Vec<(String, u32)> {
        let m = migration(up, "SELECT 1;");
        hits(&lint("11", &[SETUP, ("0002_x.sql", &m)]), ID)
    }

    #[test]
    fn fk_without_any_index_is_reported() {
        assert_eq!(
            one(
                "CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));"
            ),
            [("0002_x.sql".to_string(), 2)]
        );
        assert_eq!(
            one("ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);").len(),
            1
        );
        assert_eq!(
            one("CREATE TABLE t (a bigint, b bigint, FOREIGN KEY (a, b) REFERENCES p (x, y));\nCREATE INDEX t_a ON t (a);").len(),
            1,
            "an index on a prefix of the key does not serve the lookup"
        );
    }

    #[test]
    fn existing_index_on_the_columns_counts() {
        // SETUP indexes orders (user_id).
        assert!(one("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;").is_empty());
    }

    #[test]
    fn index_created_later_in_the_migration_counts() {
        assert!(one("CREATE TABLE invoices (id bigint, user_id bigint REFERENCES users (id));\nCREATE INDEX invoices_user ON invoices (user_id, id);").is_empty());
        assert!(one("CREATE TABLE invoices (id bigint, user_id bigint REFERENCES users (id));\nALTER TABLE invoices ADD CONSTRAINT u UNIQUE (user_id);").is_empty());
    }

    #[test]
    fn primary_key_and_unique_of_the_table_count() {
        assert!(one("CREATE TABLE m (user_id bigint REFERENCES users (id), g bigint, PRIMARY KEY (user_id, g));").is_empty());
        assert!(
            one("CREATE TABLE profile (user_id bigint PRIMARY KEY REFERENCES users (id));")
                .is_empty()
        );
        assert!(
            one("CREATE TABLE profile (user_id bigint UNIQUE REFERENCES users (id));").is_empty()
        );
        // Leading columns in another order still serve an equality lookup.
        assert!(one("CREATE TABLE m (g bigint, user_id bigint, PRIMARY KEY (user_id, g), FOREIGN KEY (g, user_id) REFERENCES p (a, b));").is_empty());
        // A trailing column does not.
        assert_eq!(one("CREATE TABLE m (g bigint, user_id bigint REFERENCES users (id), PRIMARY KEY (g, user_id));").len(), 1);
    }

    #[test]
    fn not_enforced_foreign_keys_look_nothing_up() {
        assert!(
            one("CREATE TABLE t (user_id bigint REFERENCES users (id) NOT ENFORCED);").is_empty()
        );
    }

    #[test]
    fn dropping_the_only_index_of_a_foreign_key() {
        let setup = migration(
            "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);",
            "DROP TABLE orders;\nDROP TABLE users;",
        );
        let drop = "-- migrate:up\n-- migrate:no-transaction\nDROP INDEX CONCURRENTLY orders_user_id_idx;\n-- migrate:down\n-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n";
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", drop)]);
        assert_eq!(hits(&r, ID), [("0002_b.sql".to_string(), 3)]);
        // With a replacement created first, or just after, nothing is lost.
        let replaced = "-- migrate:up\nCREATE INDEX orders_user_id_2 ON orders (user_id, id);\nDROP INDEX orders_user_id_idx;\n-- migrate:down\nSELECT 1;\n";
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", replaced)]);
        assert!(hits(&r, ID).is_empty());
        let replaced = "-- migrate:up\nDROP INDEX orders_user_id_idx;\nCREATE INDEX orders_user_id_2 ON orders (user_id, id);\n-- migrate:down\nSELECT 1;\n";
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", replaced)]);
        assert!(hits(&r, ID).is_empty());
    }

    #[test]
    fn down_dropping_the_index_its_up_created_is_normal() {
        let setup = migration(
            "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);",
            "DROP TABLE orders;\nDROP TABLE users;",
        );
        let fk = "-- migrate:up\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- migrate:down\nALTER TABLE orders DROP CONSTRAINT fk;\n";
        let index = "-- migrate:up\n-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\n-- migrate:down\n-- migrate:no-transaction\nDROP INDEX CONCURRENTLY orders_user_id_idx;\n";
        let r = lint(
            "11",
            &[
                ("0001_a.sql", &setup),
                ("0002_b.sql", fk),
                ("0003_c.sql", index),
            ],
        );
        // The FK of 0002 has no index until 0003 (a later migration is not
        // seen); the down of 0003 restores that state and is not reported.
        assert_eq!(hits(&r, ID), [("0002_b.sql".to_string(), 2)]);
    }
}
