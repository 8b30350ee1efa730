//! `add-primary-key`: `ADD PRIMARY KEY (…)` on an existing table builds the
//! index under an ACCESS EXCLUSIVE lock.

use sqlparser::ast::{AlterTableOperation, ColumnOption, TableConstraint};

use super::support::{alter_table, ident_span, key_columns};
use crate::config::Level;
use crate::model::{ConstraintKind, ident};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-primary-key",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a PRIMARY KEY to an existing table builds its index while reads and writes are blocked",
    explanation: "ALTER TABLE … ADD PRIMARY KEY (…) (and ADD COLUMN … PRIMARY KEY) builds the key's unique index inside the ALTER TABLE, under an ACCESS EXCLUSIVE lock, and first sets NOT NULL on the key columns, which scans the table when they are nullable (see `primary-key-on-nullable`): every read and every write waits for a time that grows with the table. Every PostgreSQL version can build the index with CREATE UNIQUE INDEX CONCURRENTLY and attach it with ADD PRIMARY KEY USING INDEX, which only needs the lock for a moment once the columns are NOT NULL. A table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write while the index is built",
    safe_alternative: "make the key columns NOT NULL first (on PostgreSQL ≥ 12 through a validated `CHECK (c IS NOT NULL)`, see `set-not-null`), then `CREATE UNIQUE INDEX CONCURRENTLY t_pkey ON t (id)` in a migration of its own marked `-- migrate:no-transaction`, then `ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey`",
    equivalents: "squawk: adding-serial-primary-key-field · eugene: E7 · Atlas: PG104 · django-pg-zero-downtime-migrations: rewrites it",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint NOT NULL, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_events_primary_key.sql
-- migrate:up
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id); -- expect: add-primary-key
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_pkey;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint NOT NULL, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_index_events_id.sql
-- migrate:up
-- migrate:no-transaction
-- migrate:allow(unique-may-fail-on-data): ids come from one sequence; checked with GROUP BY id HAVING count(*) > 1
CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY events_pkey;
-- file: 0003_events_primary_key.sql
-- migrate:up
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_pkey;
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
    // Adding a second primary key fails, unless this statement drops the first.
    let has_key = ctx.schema.table(&table).is_some_and(|t| {
        t.constraints
            .iter()
            .any(|c| matches!(c.kind, ConstraintKind::PrimaryKey(_)))
    }) && !at.operations.iter().any(|op| {
        matches!(
            op,
            AlterTableOperation::DropConstraint { .. } | AlterTableOperation::DropPrimaryKey { .. }
        )
    });
    for op in &at.operations {
        let f = match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(pk),
                ..
            } => {
                let columns = key_columns(&pk.columns).join(", ");
                let name = pk
                    .name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| format!("{table}_pkey"));
                let f = out.report(
                    format!("adding PRIMARY KEY `{name}` to existing table `{table}` builds its index while the table is locked"),
                    format!("ACCESS EXCLUSIVE on `{table}` for the whole index build"),
                );
                f.span = pk.name.as_ref().and_then(|n| ident_span(ctx, stmt, n));
                f.help = Some(format!(
                    "make ({columns}) NOT NULL first (on PostgreSQL ≥ 12 through a validated CHECK, see `set-not-null`), then `CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns})` in a migration of its own marked `-- migrate:no-transaction`, then `ALTER TABLE {table} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name}`"
                ));
                f
            }
            AlterTableOperation::AddColumn { column_def, .. }
                if column_def
                    .options
                    .iter()
                    .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_))) =>
            {
                let column = ident(&column_def.name);
                let f = out.report(
                    format!("adding column `{column}` as PRIMARY KEY of existing table `{table}` builds its index while the table is locked"),
                    format!("ACCESS EXCLUSIVE on `{table}` for the whole index build"),
                );
                f.span = ident_span(ctx, stmt, &column_def.name);
                f.help = Some(format!(
                    "add `{column}` as a plain nullable column, fill it in batches, make it NOT NULL through a validated CHECK, then `CREATE UNIQUE INDEX CONCURRENTLY {table}_pkey ON {table} ({column})` in a migration of its own marked `-- migrate:no-transaction` and `ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY USING INDEX {table}_pkey`"
                ));
                f
            }
            _ => continue,
        };
        if has_key {
            f.notes.push(format!(
                "`{table}` already has a primary key: this statement fails at deploy (a table has at most one)"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const EVENTS: &str = "CREATE TABLE events (id bigint NOT NULL, payload jsonb NOT NULL);";
    const ID: &str = "add-primary-key";

    #[test]
    fn primary_key_constraint_and_column_are_reported() {
        let r = two(
            "15",
            EVENTS,
            "ALTER TABLE events ADD PRIMARY KEY (id);",
            "ALTER TABLE events DROP CONSTRAINT events_pkey;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(
            shown(&r).contains("PRIMARY KEY USING INDEX events_pkey`"),
            "{}",
            shown(&r)
        );
        let r = two(
            "15",
            "CREATE TABLE t (a int);",
            "ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;",
            "ALTER TABLE t DROP COLUMN id;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(
            !shown(&r).contains("already has a primary key"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn using_index_is_not_reported() {
        let r = two(
            "15",
            &format!("{EVENTS}\nCREATE UNIQUE INDEX events_pkey ON events (id);"),
            "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
            "ALTER TABLE events DROP CONSTRAINT events_pkey;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn new_table_is_exempt() {
        let r = two(
            "15",
            "SELECT 1;",
            &format!("{EVENTS}\nALTER TABLE events ADD PRIMARY KEY (id);"),
            "DROP TABLE events;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn a_second_primary_key_is_noted_unless_the_first_is_dropped() {
        let setup = "CREATE TABLE t (id bigint PRIMARY KEY, uid uuid NOT NULL);";
        let r = two(
            "15",
            setup,
            "ALTER TABLE t ADD PRIMARY KEY (uid);",
            "SELECT 1;",
        );
        assert!(
            shown(&r).contains("already has a primary key"),
            "{}",
            shown(&r)
        );
        let r = two(
            "15",
            setup,
            "ALTER TABLE t DROP CONSTRAINT t_pkey, ADD PRIMARY KEY (uid);",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(
            !shown(&r).contains("already has a primary key"),
            "{}",
            shown(&r)
        );
    }
}
