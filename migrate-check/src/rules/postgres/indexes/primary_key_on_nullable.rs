//! `primary-key-on-nullable`: `ADD PRIMARY KEY [USING INDEX]` over nullable
//! columns sets NOT NULL, scanning the table under an ACCESS EXCLUSIVE lock.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, TableConstraint};

use super::support::{PG12, alter_table, key_columns, proven_not_null};
use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "primary-key-on-nullable",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "a PRIMARY KEY over nullable columns sets NOT NULL, scanning the table while it is locked",
    explanation: "ADD PRIMARY KEY — with USING INDEX too — first runs SET NOT NULL on every key column that allows NULL, under the ACCESS EXCLUSIVE lock of the ALTER TABLE, and that reads every row: every read and every write waits for a time that grows with the table (and the statement fails if a NULL is left). Columns already NOT NULL cost nothing and are not reported (unlike eugene's W14, which the model of the earlier migrations makes unnecessary). Since PostgreSQL 12 the scan is also skipped for a column that a validated `CHECK (c IS NOT NULL)` already proves. A table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write while every row is checked for NULL",
    safe_alternative: "make the columns NOT NULL in earlier migrations: `ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT t_c_not_null` in a later migration, then `ALTER COLUMN c SET NOT NULL` (no scan on PostgreSQL ≥ 12); then add the primary key `USING INDEX`",
    equivalents: "eugene: W14 · Atlas: PG304",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint, payload jsonb NOT NULL);
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
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey; -- expect: primary-key-on-nullable
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_pkey;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_events_id_not_null_check.sql
-- migrate:up
ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;
-- migrate:down
ALTER TABLE events DROP CONSTRAINT events_id_not_null;
-- file: 0003_validate_events_id_not_null.sql
-- migrate:up
ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;
-- migrate:down
SELECT 1;
-- file: 0004_index_events_id.sql
-- migrate:up
-- migrate:no-transaction
-- migrate:allow(unique-may-fail-on-data): ids come from one sequence; checked with GROUP BY id HAVING count(*) > 1
CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY events_pkey;
-- file: 0005_events_primary_key.sql
-- migrate:up
-- the validated CHECK proves id IS NOT NULL: no scan on PostgreSQL >= 12
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
    // Without the table's columns there is nothing to say.
    let Some(model) = ctx.schema.table(&table) else {
        return;
    };
    // Columns this same statement sets NOT NULL (that scan is `set-not-null`'s).
    let set_here: Vec<String> = at
        .operations
        .iter()
        .filter_map(|op| match op {
            AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetNotNull,
            } => Some(ident(column_name)),
            _ => None,
        })
        .collect();
    for op in &at.operations {
        let AlterTableOperation::AddConstraint { constraint, .. } = op else {
            continue;
        };
        let (columns, how) = match constraint {
            TableConstraint::PrimaryKey(pk) => (key_columns(&pk.columns), ""),
            TableConstraint::PrimaryKeyUsingIndex(c) => {
                let Some(index) = ctx.schema.index(&ident(&c.index_name)) else {
                    continue;
                };
                (index.columns.clone(), " USING INDEX")
            }
            _ => continue,
        };
        let nullable: Vec<&String> = columns
            .iter()
            .filter(|c| model.column(c).is_some_and(|col| col.nullable))
            .filter(|c| !set_here.contains(c))
            .filter(|c| !(ctx.version >= PG12 && proven_not_null(model, c)))
            .collect();
        if nullable.is_empty() {
            continue;
        }
        let list: Vec<String> = nullable.iter().map(|c| format!("`{c}`")).collect();
        let f = out.report(
            format!(
                "PRIMARY KEY{how} on nullable column{} {} of `{table}` sets NOT NULL, scanning the table while it is locked",
                if nullable.len() > 1 { "s" } else { "" },
                list.join(", ")
            ),
            format!("ACCESS EXCLUSIVE on `{table}` while every row is checked for NULL"),
        );
        let c = nullable[0];
        let check = format!("{table}_{c}_not_null");
        f.help = Some(if ctx.version >= PG12 {
            format!(
                "in earlier migrations: `ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID`, then `ALTER TABLE {table} VALIDATE CONSTRAINT {check}` in a later one (likewise for each column listed); the primary key then skips the scan"
            )
        } else {
            format!(
                "`postgres_version` is {}: before PostgreSQL 12 setting NOT NULL always scans; backfill so no NULL is left, run it at a quiet time and accept it with `-- migrate:allow(primary-key-on-nullable): <reason>`",
                ctx.version
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const ID: &str = "primary-key-on-nullable";

    #[test]
    fn nullable_columns_are_reported_with_and_without_using_index() {
        let setup = "CREATE TABLE t (a bigint, b bigint NOT NULL, c text);\nCREATE UNIQUE INDEX t_a_b_idx ON t (a, b);";
        let r = two(
            "15",
            setup,
            "ALTER TABLE t ADD PRIMARY KEY USING INDEX t_a_b_idx;\nALTER TABLE t DROP CONSTRAINT t_a_b_idx, ADD PRIMARY KEY (c, b);",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2, 3], "{}", shown(&r));
        let s = shown(&r);
        assert!(s.contains("nullable column `a` of `t`"), "{s}");
        assert!(s.contains("nullable column `c` of `t`"), "{s}");
        assert!(!s.contains("`b`"), "{s}");
    }

    #[test]
    fn columns_already_not_null_are_fine() {
        // eugene's W14 false positive: the model knows the columns are NOT NULL.
        let r = two(
            "15",
            "CREATE TABLE t (a bigint NOT NULL, b bigint);\nALTER TABLE t ALTER COLUMN b SET NOT NULL;\nCREATE UNIQUE INDEX t_a_b_idx ON t (a, b);",
            "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_a_b_idx;",
            "ALTER TABLE t DROP CONSTRAINT t_pkey;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn set_not_null_in_the_same_statement_is_not_counted_twice() {
        let r = two(
            "15",
            "CREATE TABLE t (a bigint);",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL, ADD PRIMARY KEY (a);",
            "SELECT 1;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn validated_check_skips_the_scan_from_postgres_12() {
        let setup = "CREATE TABLE t (a bigint);\nALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL);";
        let up = "ALTER TABLE t ADD PRIMARY KEY (a);";
        let r = two("12", setup, up, "SELECT 1;");
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
        let r = two("11", setup, up, "SELECT 1;");
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(shown(&r).contains("before PostgreSQL 12"), "{}", shown(&r));
    }

    #[test]
    fn not_valid_check_does_not_count() {
        let r = two(
            "15",
            "CREATE TABLE t (a bigint);\nALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;",
            "ALTER TABLE t ADD PRIMARY KEY (a);",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
    }

    #[test]
    fn new_and_unknown_tables_are_not_reported() {
        let r = two(
            "15",
            "SELECT 1;",
            "CREATE TABLE t (a bigint);\nALTER TABLE t ADD PRIMARY KEY (a);\nALTER TABLE legacy ADD PRIMARY KEY (id);",
            "DROP TABLE t;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }
}
