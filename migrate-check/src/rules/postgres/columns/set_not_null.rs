//! `set-not-null`: `ALTER COLUMN … SET NOT NULL` scans an existing table under ACCESS EXCLUSIVE.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

use crate::config::Level;
use crate::model::{ConstraintKind, ident, object_text};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::{Recognized, Stmt, TableAction};

use super::super::support::proves_not_null;
use super::support::{PG12, PG18, alter_table, constraint_name, ident_span, parse_expr};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "set-not-null",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`SET NOT NULL` scans the whole table while it blocks every read and write",
    explanation: "ALTER COLUMN … SET NOT NULL takes an ACCESS EXCLUSIVE lock and reads every row to prove none holds NULL: every read and every write waits for a time that grows with the table (and the statement fails if a NULL is left). Since PostgreSQL 12 the scan is skipped when a validated `CHECK (c IS NOT NULL)` constraint already proves it, and such a constraint can be added `NOT VALID` (brief lock) and validated later under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on. PostgreSQL 18 can also add the NOT NULL constraint itself `NOT VALID`. A table created by this same migration is exempt, and so is a column already NOT NULL.",
    lock: "ACCESS EXCLUSIVE on the table for the whole scan: blocks every read and every write",
    safe_alternative: "PostgreSQL ≥ 12: `ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID`; in a later migration `ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null`; then `ALTER TABLE t ALTER COLUMN c SET NOT NULL` (no scan) and, as a separate statement, `ALTER TABLE t DROP CONSTRAINT t_c_not_null`",
    equivalents: "squawk: adding-not-nullable-field · eugene: E2 · strong_migrations: change_column_null_postgresql · Atlas: PG303, MF104 · django-pg-zero-downtime, safe-pg-migrations: rewritten automatically",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: set-not-null
-- migrate:down
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
",
        },
        Example {
            dialect: PG,
            text: "-- file: migrate.toml
postgres_version = \"18\"
-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
-- the PostgreSQL 18 constraint form scans just the same without NOT VALID
ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email; -- expect: set-not-null
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_email_check.sql
-- migrate:up
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
-- file: 0003_users_email_validate.sql
-- migrate:up
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
-- migrate:irreversible: validating only reads the rows; 0002's down drops the constraint
-- file: 0004_users_email_not_null.sql
-- migrate:up
-- the validated CHECK proves it: no scan (PostgreSQL >= 12)
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
-- migrate:down
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
",
        },
        Example {
            dialect: PG,
            text: "-- file: migrate.toml
postgres_version = \"18\"
-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
-- PostgreSQL 18: the NOT NULL constraint itself, NOT VALID: no scan now
ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;
-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
-- file: 0003_users_email_validate.sql
-- migrate:up
-- reads the rows under SHARE UPDATE EXCLUSIVE; the column is NOT NULL afterwards
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
-- migrate:irreversible: validating only reads the rows; 0002's down drops the constraint
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    check_not_null_constraint(ctx, stmt, out);
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    // PostgreSQL drops constraints before it sets NOT NULL: a CHECK dropped
    // by this same statement proves nothing.
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
            op: AlterColumnOperation::SetNotNull,
        } = op
        else {
            continue;
        };
        let span = ident_span(ctx, stmt, column_name);
        judge(ctx, &table, &ident(column_name), &dropped, span, out);
    }
}

/// PostgreSQL 18 `ALTER TABLE t ADD [CONSTRAINT c] NOT NULL col` (without
/// `NOT VALID`): the same scan under the same lock as SET NOT NULL.
fn check_not_null_constraint(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Recognized::AlterTable {
        table,
        action:
            TableAction::AddNotNull {
                column,
                not_valid: false,
                ..
            },
    }) = stmt.recognized()
    else {
        return;
    };
    let table = object_text(table);
    if !ctx.is_new_table(&table) {
        judge(ctx, &table, &object_text(column), &[], None, out);
    }
}

/// Reports making `table.column` NOT NULL unless the column already is, or
/// a validated CHECK (not among `dropped`) proves it on PostgreSQL ≥ 12.
fn judge(
    ctx: &Ctx<'_>,
    table: &str,
    column: &str,
    dropped: &[String],
    span: Option<std::ops::Range<usize>>,
    out: &mut Findings,
) {
    let model = ctx.schema.table(table);
    if model
        .and_then(|t| t.column(column))
        .is_some_and(|c| !c.nullable)
    {
        return; // already NOT NULL: nothing to check
    }
    let proofs: Vec<(String, bool)> = model
        .into_iter()
        .flat_map(|t| &t.constraints)
        .filter(|c| matches!(&c.kind, ConstraintKind::Check(e) if parse_expr(e).is_some_and(|e| proves_not_null(&e, column))))
        .map(|c| (constraint_name(c, table).unwrap_or_default(), c.validated))
        .collect();
    let usable = proofs
        .iter()
        .find(|(name, validated)| *validated && !dropped.contains(name));
    if usable.is_some() && ctx.version >= PG12 {
        return;
    }
    let finding = out.report(
        format!("SET NOT NULL on `{table}.{column}` scans the whole table while it is locked"),
        format!("ACCESS EXCLUSIVE on `{table}` while every row is read"),
    );
    finding.span = span;
    for (name, validated) in &proofs {
        if !validated {
            finding.notes.push(format!("CHECK `{name}` proves `{column} IS NOT NULL` but is NOT VALID: run `ALTER TABLE {table} VALIDATE CONSTRAINT {name}` in an earlier migration"));
        } else if dropped.contains(name) {
            finding.notes.push(format!("this statement also drops CHECK `{name}`, and PostgreSQL drops constraints before it sets NOT NULL: drop it in a separate statement afterwards"));
        }
    }
    if usable.is_some() {
        finding.notes.push(format!("a validated `CHECK ({column} IS NOT NULL)` exists, but PostgreSQL < 12 does not use it (`postgres_version` is {})", ctx.version));
    }
    finding.help = Some(help(ctx, table, column));
}

/// The safe sequence, with the names of this statement.
fn help(ctx: &Ctx<'_>, table: &str, column: &str) -> String {
    let check = format!("{table}_{column}_not_null");
    if ctx.version < PG12 {
        return format!(
            "`postgres_version` is {}: before PostgreSQL 12 SET NOT NULL always scans; backfill so no NULL is left, run it at a quiet time and accept it with `-- migrate:allow(set-not-null): <reason>`; from PostgreSQL 12 on a validated `CHECK ({column} IS NOT NULL)` lets it skip the scan",
            ctx.version
        );
    }
    let mut h = format!(
        "`ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID`; in a later migration `ALTER TABLE {table} VALIDATE CONSTRAINT {check}`; then `ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL` (no scan) and, as a separate statement, `ALTER TABLE {table} DROP CONSTRAINT {check}`"
    );
    if ctx.version >= PG18 {
        h.push_str(&format!("; or, on PostgreSQL ≥ 18, `ALTER TABLE {table} ADD CONSTRAINT {check} NOT NULL {column} NOT VALID` and `VALIDATE CONSTRAINT {check}` in a later migration"));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, run, shown, two};

    const USERS: &str =
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text NOT NULL);";

    fn flags(version: &str, setup: &str, up: &str) -> bool {
        let r = two(version, setup, up);
        fires(&r, "set-not-null")
    }

    #[test]
    fn existing_nullable_column_is_scanned() {
        assert!(flags(
            "15",
            USERS,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
        ));
    }

    #[test]
    fn validated_check_from_an_earlier_migration_skips_the_scan_on_12() {
        let setup = format!(
            "{USERS}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);"
        );
        let up = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;";
        assert!(!flags("12", &setup, up));
        assert!(!flags("15", &setup, up));
        let r = two("11", &setup, up);
        assert!(fires(&r, "set-not-null"));
        assert!(
            shown(&r).contains("PostgreSQL < 12 does not use it"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn check_validated_earlier_in_the_same_migration_counts() {
        let setup = format!(
            "{USERS}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL AND email <> '') NOT VALID;"
        );
        assert!(!flags(
            "15",
            &setup,
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;"
        ));
    }

    #[test]
    fn not_valid_check_is_not_enough_and_says_so() {
        let setup = format!(
            "{USERS}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;"
        );
        let r = two(
            "15",
            &setup,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        );
        assert!(fires(&r, "set-not-null"));
        assert!(shown(&r).contains("is NOT VALID"), "{}", shown(&r));
    }

    #[test]
    fn check_on_another_column_or_weaker_check_does_not_count() {
        for check in [
            "name IS NOT NULL",
            "email <> ''",
            "email IS NOT NULL OR id > 0",
        ] {
            let setup = format!("{USERS}\nALTER TABLE users ADD CONSTRAINT c CHECK ({check});");
            assert!(
                flags(
                    "15",
                    &setup,
                    "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
                ),
                "{check}"
            );
        }
    }

    #[test]
    fn dropping_the_check_in_the_same_statement_defeats_it() {
        let setup = format!(
            "{USERS}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);"
        );
        let r = two(
            "15",
            &setup,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL, DROP CONSTRAINT users_email_nn;",
        );
        assert!(fires(&r, "set-not-null"));
        assert!(shown(&r).contains("separate statement"), "{}", shown(&r));
    }

    #[test]
    fn dropping_an_unnamed_check_by_its_default_name_defeats_it() {
        let setup = format!("{USERS}\nALTER TABLE users ADD CHECK (email IS NOT NULL);");
        let r = two(
            "15",
            &setup,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL, DROP CONSTRAINT users_email_check;",
        );
        assert!(
            shown(&r).contains("also drops CHECK `users_email_check`"),
            "{}",
            shown(&r)
        );
        assert!(!flags(
            "15",
            &setup,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_check;"
        ));
    }

    #[test]
    fn already_not_null_and_new_tables_are_exempt() {
        assert!(!flags(
            "15",
            USERS,
            "ALTER TABLE users ALTER COLUMN name SET NOT NULL;"
        ));
        assert!(!flags(
            "15",
            USERS,
            "CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;"
        ));
    }

    #[test]
    fn table_created_in_an_earlier_migration_is_existing() {
        let r = run(
            "15",
            "-- file: 0003_a.sql\n-- migrate:up\nCREATE TABLE t (a int);\n-- migrate:down\nDROP TABLE t;\n-- file: 0007_b.sql\n-- migrate:up\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\n-- migrate:down\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;\n",
        );
        assert_eq!(
            super::super::support::testing::hits(&r, "set-not-null")
                .iter()
                .map(|(f, l, _)| (f.as_str(), *l))
                .collect::<Vec<_>>(),
            [("0007_b.sql", 2)]
        );
    }

    #[test]
    fn pg18_help_mentions_not_valid_not_null() {
        let r = two(
            "18",
            USERS,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        );
        assert!(
            shown(&r).contains("NOT NULL email NOT VALID"),
            "{}",
            shown(&r)
        );
        let r = two(
            "15",
            USERS,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        );
        assert!(!shown(&r).contains("NOT NULL email NOT VALID"));
    }
}
