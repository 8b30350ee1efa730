//! `sqlite-unsupported-alter`: `ALTER TABLE` forms SQLite rejects (sqlparser accepts them).

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Statement, TableConstraint};

use crate::config::Level;
use crate::model::{ConstraintKind, ident, object};
use crate::rules::{Ctx, Example, Findings, LT, Rule};
use crate::statement::Stmt;

use super::support::{LT3_53, REBUILD};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-unsupported-alter",
    dialects: &[LT],
    default_level: Level::Error,
    versions: &[],
    summary: "an `ALTER TABLE` form that SQLite does not support",
    explanation: "SQLite's ALTER TABLE supports only RENAME TO, RENAME COLUMN (3.25), ADD COLUMN and DROP COLUMN (3.35); SQLite 3.53 adds ALTER COLUMN … SET/DROP NOT NULL, ADD [CONSTRAINT n] CHECK (…) and DROP CONSTRAINT n (not of a PRIMARY KEY or UNIQUE constraint). Everything else — ALTER COLUMN … TYPE, SET/DROP DEFAULT, ADD PRIMARY KEY, ADD UNIQUE or FOREIGN KEY constraints, MODIFY, CHANGE — is a syntax error on the server, although the SQL parser used for checking accepts it, so the migration fails at deploy. Which forms are accepted follows `sqlite_version` in migrate.toml (the oldest SQLite the migrations must run on).",
    lock: "",
    safe_alternative: REBUILD,
    equivalents: "Atlas: LT101 (NOT NULL case); others: none",
    bad: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: sqlite-unsupported-alter
ALTER TABLE users ALTER COLUMN email SET DEFAULT ''; -- expect: sqlite-unsupported-alter
-- migrate:down
ALTER TABLE users ALTER COLUMN email DROP DEFAULT;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
",
    }],
    good: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');
INSERT INTO new_users (id, email) SELECT id, coalesce(email, '') FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
-- migrate:down
ALTER TABLE users RENAME COLUMN email TO email_required;
ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = email_required;
ALTER TABLE users DROP COLUMN email_required;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return;
    };
    let table = object(&at.name);
    // SQLite 3.53 added NOT NULL and CHECK constraints to ALTER TABLE.
    let v353 = ctx.version >= LT3_53;
    for op in &at.operations {
        let what = match op {
            AlterTableOperation::AlterColumn { op, .. } => match op {
                AlterColumnOperation::SetNotNull if v353 => continue,
                AlterColumnOperation::DropNotNull if v353 => continue,
                AlterColumnOperation::SetNotNull => "ALTER COLUMN … SET NOT NULL",
                AlterColumnOperation::DropNotNull => "ALTER COLUMN … DROP NOT NULL",
                AlterColumnOperation::SetDefault { .. } => "ALTER COLUMN … SET DEFAULT",
                AlterColumnOperation::DropDefault => "ALTER COLUMN … DROP DEFAULT",
                AlterColumnOperation::SetDataType { .. } => "ALTER COLUMN … TYPE",
                _ => "ALTER COLUMN",
            },
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Check(_),
                ..
            } if v353 => continue,
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(_),
                ..
            } => "ADD PRIMARY KEY",
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Unique(_),
                ..
            } => "ADD UNIQUE",
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::ForeignKey(_),
                ..
            } => "ADD FOREIGN KEY",
            AlterTableOperation::AddConstraint { .. } => "ADD CONSTRAINT",
            AlterTableOperation::DropConstraint { name, .. } if v353 => {
                // From 3.53 only PRIMARY KEY and UNIQUE constraints cannot be dropped.
                let n = ident(name);
                let key = ctx.schema.table(&table).is_some_and(|t| {
                    t.constraints.iter().any(|c| {
                        c.name.as_deref() == Some(n.as_str())
                            && matches!(
                                c.kind,
                                ConstraintKind::PrimaryKey(_) | ConstraintKind::Unique(_)
                            )
                    })
                });
                if !key {
                    continue;
                }
                "DROP CONSTRAINT of a PRIMARY KEY or UNIQUE constraint"
            }
            AlterTableOperation::DropConstraint { .. } => "DROP CONSTRAINT",
            AlterTableOperation::DropPrimaryKey { .. } => "DROP PRIMARY KEY",
            AlterTableOperation::DropForeignKey { .. } => "DROP FOREIGN KEY",
            AlterTableOperation::ModifyColumn { .. } => "MODIFY",
            AlterTableOperation::ChangeColumn { .. } => "CHANGE",
            _ => continue,
        };
        let f = out.report(
            format!("SQLite does not support `ALTER TABLE … {what}`"),
            format!("SQLite rejects this at deploy; `{table}` must be rebuilt"),
        );
        f.notes.push(format!(
            "`sqlite_version` is {}: {}",
            ctx.version,
            if v353 {
                "ALTER COLUMN … SET/DROP NOT NULL, ADD CHECK and DROP CONSTRAINT (of CHECK and FOREIGN KEY constraints) are supported, nothing more"
            } else {
                "SQLite < 3.53 supports only RENAME TO, RENAME COLUMN, ADD COLUMN and DROP COLUMN"
            }
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, two};

    const ID: &str = "sqlite-unsupported-alter";
    const T: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT CONSTRAINT b_pos CHECK (b > 0), c INT CONSTRAINT c_key UNIQUE);";

    #[test]
    fn every_unsupported_form_before_3_53() {
        let up = "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\nALTER TABLE t ALTER COLUMN a TYPE INTEGER;\nALTER TABLE t ADD CONSTRAINT a_key UNIQUE (a);\nALTER TABLE t ADD CHECK (b < 10);\nALTER TABLE t DROP CONSTRAINT b_pos;\nALTER TABLE t ALTER COLUMN a SET DEFAULT 'x';";
        assert_eq!(lines(&two("3.35", T, up), ID), [2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn sqlite_3_53_supports_not_null_and_check_constraints() {
        let up = "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;\nALTER TABLE t ADD CONSTRAINT b_small CHECK (b < 10);\nALTER TABLE t DROP CONSTRAINT b_pos;\nALTER TABLE t DROP CONSTRAINT c_key;\nALTER TABLE t ALTER COLUMN a SET DEFAULT 'x';";
        assert_eq!(lines(&two("3.53", T, up), ID), [6, 7]);
    }
}
