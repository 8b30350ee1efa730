//! `add-unique-constraint`: `ADD UNIQUE (…)` on an existing table builds the
//! index under an ACCESS EXCLUSIVE lock.

use sqlparser::ast::{AlterTableOperation, ColumnOption, NullsDistinctOption, TableConstraint};

use super::support::{alter_table, ident_span, key_columns};
use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-unique-constraint",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a UNIQUE constraint to an existing table builds its index while reads and writes are blocked",
    explanation: "ALTER TABLE … ADD UNIQUE (…) (and ADD COLUMN … UNIQUE) builds the constraint's index inside the ALTER TABLE, under an ACCESS EXCLUSIVE lock: every read and every write waits for a time that grows with the table. Every PostgreSQL version can instead build the unique index with CREATE UNIQUE INDEX CONCURRENTLY and then attach it as the constraint with ADD CONSTRAINT … UNIQUE USING INDEX, which only needs the lock for a moment. A table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write while the index is built",
    safe_alternative: "`CREATE UNIQUE INDEX CONCURRENTLY t_c_key ON t (c)` in a migration of its own marked `-- migrate:no-transaction`, then `ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_key` in the next one",
    equivalents: "squawk: disallowed-unique-constraint · eugene: E7 · strong_migrations: add_unique_constraint · Atlas: PG105 · django-pg-zero-downtime-migrations: rewrites it",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_unique_users_email.sql
-- migrate:up
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- expect: add-unique-constraint
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_key;
",
    }],
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
-- file: 0003_unique_users_email.sql
-- migrate:up
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_key;
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
    for op in &at.operations {
        match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Unique(u),
                ..
            } => {
                let columns = key_columns(&u.columns);
                let name = u
                    .name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| format!("{table}_{}_key", columns.join("_")));
                let nulls = if u.nulls_distinct == NullsDistinctOption::NotDistinct {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                };
                let f = out.report(
                    format!("adding UNIQUE constraint `{name}` to existing table `{table}` builds its index while the table is locked"),
                    format!("ACCESS EXCLUSIVE on `{table}` for the whole index build"),
                );
                f.span = u.name.as_ref().and_then(|n| ident_span(ctx, stmt, n));
                f.help = Some(help(&table, &name, &columns.join(", "), nulls));
            }
            AlterTableOperation::AddColumn { column_def, .. } => {
                let Some(nulls) = column_def.options.iter().find_map(|o| match &o.option {
                    ColumnOption::Unique(u) => Some(u.nulls_distinct),
                    _ => None,
                }) else {
                    continue;
                };
                let column = ident(&column_def.name);
                let f = out.report(
                    format!("adding column `{column}` with UNIQUE to existing table `{table}` builds its index while the table is locked"),
                    format!("ACCESS EXCLUSIVE on `{table}` for the whole index build"),
                );
                f.span = ident_span(ctx, stmt, &column_def.name);
                let nulls = if nulls == NullsDistinctOption::NotDistinct {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                };
                f.help = Some(format!(
                    "add the column without UNIQUE, then {}",
                    help(&table, &format!("{table}_{column}_key"), &column, nulls)
                ));
            }
            _ => {}
        }
    }
}

/// The safe sequence, with this statement's names.
fn help(table: &str, name: &str, columns: &str, nulls: &str) -> String {
    format!(
        "`CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns}){nulls}` in a migration of its own marked `-- migrate:no-transaction`, then `ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}`"
    )
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const USERS: &str =
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, org bigint);";
    const ID: &str = "add-unique-constraint";

    #[test]
    fn unique_constraint_and_unique_column_are_reported_with_their_names() {
        let r = two(
            "15",
            USERS,
            "ALTER TABLE users ADD UNIQUE (org, email);\nALTER TABLE users ADD COLUMN handle text UNIQUE NULLS NOT DISTINCT;",
            "ALTER TABLE users DROP COLUMN handle;\nALTER TABLE users DROP CONSTRAINT users_org_email_key;",
        );
        assert_eq!(lines(&r, ID), vec![2, 3], "{}", shown(&r));
        let s = shown(&r);
        assert!(
            s.contains(
                "CREATE UNIQUE INDEX CONCURRENTLY users_org_email_key ON users (org, email)`"
            ),
            "{s}"
        );
        assert!(s.contains("ON users (handle) NULLS NOT DISTINCT`"), "{s}");
    }

    #[test]
    fn using_index_is_not_reported() {
        let r = two(
            "15",
            &format!("{USERS}\nCREATE UNIQUE INDEX users_email_key ON users (email);"),
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
            "ALTER TABLE users DROP CONSTRAINT users_email_key;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn new_table_is_exempt() {
        let r = two(
            "15",
            "SELECT 1;",
            &format!("{USERS}\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"),
            "DROP TABLE users;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }
}
