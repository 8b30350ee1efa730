//! `unique-may-fail-on-data`: a new unique index or constraint over the
//! existing rows of a table fails at deploy if they hold duplicates.

use sqlparser::ast::{
    AlterTableOperation, ColumnOption, Expr, Ident, NullsDistinctOption, Statement, TableConstraint,
};

use super::support::{ident_span, is_new_materialized_view, key_columns, unique_keys};
use crate::config::Level;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "unique-may-fail-on-data",
    dialects: &[PG, MY, LT],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new unique index or constraint over existing rows fails at deploy if they hold duplicates",
    explanation: "CREATE UNIQUE INDEX, ADD UNIQUE and ADD PRIMARY KEY on a table that already has rows check them all: one pair of duplicates (for a primary key, one NULL too) and the migration fails at deploy, although it passed on every development database. A failed CREATE UNIQUE INDEX CONCURRENTLY also leaves an INVALID index behind that still slows every write until dropped. The checker cannot see the data: this is a warning, to be answered by checking it. Not reported: tables created by this same migration, keys that contain an existing unique key (they cannot collide), and columns added by the same statement without a default (all NULL, hence distinct). On MySQL and MariaDB, `ADD UNIQUE` on existing rows fails the same way (`Duplicate entry`), after building most of the index.",
    lock: "",
    safe_alternative: "look for duplicates before deploying (`SELECT cols, count(*) FROM t GROUP BY cols HAVING count(*) > 1`), remove them and stop the code that creates them in an earlier release, then say so with `-- migrate:allow(unique-may-fail-on-data): <how you know>`",
    equivalents: "Atlas: MF101, MF102",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_index_users_email.sql
-- migrate:up
-- migrate:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email); -- expect: unique-may-fail-on-data
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_email_key;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_index_users_email.sql
-- migrate:up
CREATE UNIQUE INDEX users_email_key ON users (email); -- expect: unique-may-fail-on-data
-- migrate:down
DROP INDEX users_email_key;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20) NOT NULL, placed_at datetime NOT NULL, total_cents bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_email_unique.sql
-- migrate:up
ALTER TABLE orders ADD UNIQUE INDEX orders_email_key (email), ALGORITHM=INPLACE, LOCK=NONE; -- expect: unique-may-fail-on-data
-- migrate:down
ALTER TABLE orders DROP INDEX orders_email_key;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_index_users_email.sql
-- migrate:up
-- migrate:no-transaction
-- migrate:allow(unique-may-fail-on-data): duplicates removed by the 2024-05 cleanup; the signup form checks first
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_email_key;
-- file: 0003_index_users_id_email.sql
-- migrate:up
-- migrate:no-transaction
-- contains the primary key: cannot collide
CREATE UNIQUE INDEX CONCURRENTLY users_id_email_key ON users (id, email);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY users_id_email_key;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_index_users_email.sql
-- migrate:up
-- migrate:allow(unique-may-fail-on-data): duplicates removed by the 2024-05 cleanup; the signup form checks first
CREATE UNIQUE INDEX users_email_key ON users (email);
-- contains the primary key: cannot collide
CREATE UNIQUE INDEX users_id_email_key ON users (id, email);
-- migrate:down
DROP INDEX users_id_email_key;
DROP INDEX users_email_key;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
ALTER TABLE orders ADD UNIQUE INDEX orders_email_key (email);
-- migrate:down
DROP TABLE orders;
",
    },
    ],
    check: Some(check),
};

/// A new key over existing rows.
struct NewKey<'a> {
    what: String,
    columns: Vec<String>,
    predicate: Option<&'a Expr>,
    primary: bool,
    nulls_not_distinct: bool,
    name: Option<&'a Ident>,
}

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.dialect == crate::config::Dialect::Sqlite {
        // SQLite adds no key with ALTER TABLE (`sqlite-unsupported-alter`):
        // its new keys are unique indexes, or a rebuild's copy.
        if matches!(stmt.ast(), Some(Statement::AlterTable(_))) {
            return;
        }
        sqlite_copy(ctx, stmt, out);
    }
    let (table, keys, added) = match stmt.ast() {
        Some(Statement::CreateIndex(ci)) if ci.unique => {
            let table = object(&ci.table_name);
            let what = match &ci.name {
                Some(n) => format!("unique index `{}`", object(n)),
                None => "a unique index".to_string(),
            };
            let key = NewKey {
                what,
                columns: key_columns(&ci.columns),
                predicate: ci.predicate.as_ref(),
                primary: false,
                nulls_not_distinct: ci.nulls_distinct == Some(false),
                name: ci
                    .name
                    .as_ref()
                    .and_then(|n| n.0.last())
                    .and_then(|p| p.as_ident()),
            };
            (table, vec![key], Vec::new())
        }
        Some(Statement::AlterTable(at)) => {
            let table = object(&at.name);
            let mut keys = Vec::new();
            let mut added = Vec::new();
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::Unique(u),
                        ..
                    } => keys.push(NewKey {
                        what: constraint_name("UNIQUE constraint", u.name.as_ref()),
                        columns: key_columns(&u.columns),
                        predicate: None,
                        primary: false,
                        nulls_not_distinct: u.nulls_distinct == NullsDistinctOption::NotDistinct,
                        name: u.name.as_ref(),
                    }),
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::PrimaryKey(pk),
                        ..
                    } => keys.push(NewKey {
                        what: constraint_name("PRIMARY KEY", pk.name.as_ref()),
                        columns: key_columns(&pk.columns),
                        predicate: None,
                        primary: true,
                        nulls_not_distinct: false,
                        name: pk.name.as_ref(),
                    }),
                    // Filled with NULL in every existing row: distinct.
                    AlterTableOperation::AddColumn { column_def, .. }
                        if !column_def
                            .options
                            .iter()
                            .any(|o| matches!(o.option, ColumnOption::Default(_))) =>
                    {
                        added.push(ident(&column_def.name))
                    }
                    _ => {}
                }
            }
            (table, keys, added)
        }
        _ => return,
    };
    if keys.is_empty() || ctx.is_new_table(&table) || is_new_materialized_view(ctx, &table) {
        return;
    }
    let existing = unique_keys(ctx, &table);
    for key in keys {
        if key.columns.is_empty() {
            continue;
        }
        // An existing unique key within the new one: the new one cannot collide.
        if existing
            .iter()
            .any(|k| k.iter().all(|c| key.columns.contains(c)))
        {
            continue;
        }
        if !key.primary && !key.nulls_not_distinct && key.columns.iter().any(|c| added.contains(c))
        {
            continue;
        }
        let cols = key.columns.join(", ");
        let f = out.report(
            format!(
                "{} on existing table `{table}` ({cols}) fails at deploy if the rows hold duplicates",
                key.what
            ),
            if key.primary {
                format!("fails if two rows share ({cols}) or one holds NULL")
            } else {
                format!("fails if two rows share ({cols})")
            },
        );
        f.span = key.name.and_then(|n| ident_span(ctx, stmt, n));
        let filter = key
            .predicate
            .map_or(String::new(), |p| format!(" WHERE {p}"));
        f.help = Some(format!(
            "look for duplicates before deploying: `SELECT {cols}, count(*) FROM {table}{filter} GROUP BY {cols} HAVING count(*) > 1`; remove them and stop the code that creates them in an earlier release, then accept with `-- migrate:allow(unique-may-fail-on-data): <how you know>`"
        ));
        if matches!(stmt.ast(), Some(Statement::CreateIndex(ci)) if ci.concurrently) {
            f.notes.push("if CREATE UNIQUE INDEX CONCURRENTLY fails, it leaves an INVALID index that still costs every write: drop it with DROP INDEX CONCURRENTLY before retrying".into());
        }
    }
}

/// SQLite: the copy of a table rebuild into a new table with a unique key
/// the old table did not have fails on duplicates.
fn sqlite_copy(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((target, sources)) = crate::rules::state::copy_of(stmt) else {
        return;
    };
    let [source] = sources.as_slice() else { return };
    if !ctx.is_new_table(&target) || ctx.is_new_table(source) || ctx.schema.table(source).is_none()
    {
        return;
    }
    let existing = unique_keys(ctx, source);
    let mut keys = unique_keys(ctx, &target);
    keys.sort();
    keys.dedup();
    for key in keys {
        if existing.iter().any(|k| k.iter().all(|c| key.contains(c))) {
            continue;
        }
        let cols = key.join(", ");
        let f = out.report(
            format!("copying `{source}` into `{target}`, whose ({cols}) is unique, fails at deploy if the rows hold duplicates"),
            format!("fails if two rows of `{source}` share ({cols})"),
        );
        f.help = Some(format!(
            "look for duplicates before deploying: `SELECT {cols}, count(*) FROM {source} GROUP BY {cols} HAVING count(*) > 1`; remove them first, then accept with `-- migrate:allow(unique-may-fail-on-data): <how you know>`"
        ));
    }
}

fn constraint_name(kind: &str, name: Option<&Ident>) -> String {
    match name {
        Some(n) => format!("{kind} `{}`", ident(n)),
        None => format!("a {kind}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{hits, lines, shown, two};
    use crate::Severity;

    const USERS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, org bigint, deleted_at timestamptz);";
    const ID: &str = "unique-may-fail-on-data";

    #[test]
    fn unique_index_on_existing_table_is_a_warning_with_the_query() {
        let r = two(
            "15",
            USERS,
            "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;",
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY users_email_key;",
        );
        let h = hits(&r, ID);
        assert_eq!(h.len(), 1, "{}", shown(&r));
        assert_eq!(h[0].1, 3);
        assert_eq!(h[0].2, Severity::Warning);
        let s = shown(&r);
        assert!(
            s.contains("SELECT lower(email), count(*) FROM users WHERE deleted_at IS NULL GROUP BY lower(email) HAVING count(*) > 1"),
            "{s}"
        );
        assert!(s.contains("INVALID index"), "{s}");
    }

    #[test]
    fn unique_and_primary_key_constraints_are_reported() {
        let r = two(
            "15",
            "CREATE TABLE t (a bigint, b bigint);",
            "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a), ADD PRIMARY KEY (b);",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2, 2], "{}", shown(&r));
        assert!(shown(&r).contains("or one holds NULL"), "{}", shown(&r));
    }

    #[test]
    fn keys_containing_an_existing_unique_key_cannot_collide() {
        let r = two(
            "15",
            &format!("{USERS}\nCREATE UNIQUE INDEX users_org_email_key ON users (org, email);"),
            "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY users_id_org_key ON users (org, id);\nCREATE UNIQUE INDEX CONCURRENTLY users_org_email_id_key ON users (org, email, id);\nCREATE UNIQUE INDEX CONCURRENTLY users_email_org_key ON users (email, org);",
            "-- migrate:no-transaction\nSELECT 1;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn new_tables_new_views_and_plain_indexes_are_not_reported() {
        let r = two(
            "15",
            USERS,
            "CREATE TABLE t (a bigint);\nCREATE UNIQUE INDEX t_a_key ON t (a);\nALTER TABLE t ADD UNIQUE (a);\nCREATE MATERIALIZED VIEW mv AS SELECT org FROM users GROUP BY org WITH NO DATA;\nCREATE UNIQUE INDEX mv_org_key ON mv (org);\nCREATE INDEX CONCURRENTLY users_org_idx ON users (org);",
            "DROP TABLE t;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn column_added_by_the_same_statement_without_default_is_all_null() {
        let r = two(
            "15",
            USERS,
            "ALTER TABLE users ADD COLUMN handle text, ADD CONSTRAINT users_handle_key UNIQUE (handle);",
            "ALTER TABLE users DROP COLUMN handle;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
        let r = two(
            "15",
            USERS,
            "ALTER TABLE users ADD COLUMN handle text DEFAULT 'x', ADD CONSTRAINT users_handle_key UNIQUE (handle);",
            "ALTER TABLE users DROP COLUMN handle;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
    }

    #[test]
    fn recreating_a_dropped_unique_index_in_down_is_reported() {
        let r = two(
            "15",
            &format!("{USERS}\nCREATE UNIQUE INDEX users_email_key ON users (email);"),
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY users_email_key;",
            "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);",
        );
        assert_eq!(lines(&r, ID), vec![6], "{}", shown(&r));
    }
}
