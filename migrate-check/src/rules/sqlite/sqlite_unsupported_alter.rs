//! `sqlite-unsupported-alter`: `ALTER TABLE` forms SQLite rejects (sqlparser accepts them).

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Statement, TableConstraint};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-unsupported-alter",
    dialects: &[LT],
    default_level: Level::Error,
    versions: &[],
    summary: "an `ALTER TABLE` form that SQLite does not support",
    explanation: "SQLite's ALTER TABLE supports only RENAME TO, RENAME COLUMN (3.25), ADD COLUMN and DROP COLUMN (3.35). ALTER COLUMN (type, NOT NULL, default), ADD/DROP CONSTRAINT, ADD PRIMARY KEY, MODIFY and CHANGE are syntax errors on the server, although the SQL parser used for checking accepts them, so the migration fails at run time.",
    lock: "",
    safe_alternative: "rebuild the table (sqlite.org/lang_altertable.html, \"other kinds of table schema changes\"): PRAGMA foreign_keys=OFF outside the transaction; BEGIN; CREATE TABLE new_t (new shape); INSERT INTO new_t SELECT … FROM t; DROP TABLE t; ALTER TABLE new_t RENAME TO t; recreate indexes, triggers and views; PRAGMA foreign_key_check; COMMIT; PRAGMA foreign_keys=ON",
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
-- migrate:down
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

fn check(_ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return;
    };
    let table = object(&at.name);
    for op in &at.operations {
        let what = match op {
            AlterTableOperation::AlterColumn { op, .. } => match op {
                AlterColumnOperation::SetNotNull => "ALTER COLUMN … SET NOT NULL",
                AlterColumnOperation::DropNotNull => "ALTER COLUMN … DROP NOT NULL",
                AlterColumnOperation::SetDefault { .. } => "ALTER COLUMN … SET DEFAULT",
                AlterColumnOperation::DropDefault => "ALTER COLUMN … DROP DEFAULT",
                AlterColumnOperation::SetDataType { .. } => "ALTER COLUMN … TYPE",
                _ => "ALTER COLUMN",
            },
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(_),
                ..
            } => "ADD PRIMARY KEY",
            AlterTableOperation::AddConstraint { .. } => "ADD CONSTRAINT",
            AlterTableOperation::DropConstraint { .. } => "DROP CONSTRAINT",
            AlterTableOperation::DropPrimaryKey { .. } => "DROP PRIMARY KEY",
            AlterTableOperation::DropForeignKey { .. } => "DROP FOREIGN KEY",
            AlterTableOperation::ModifyColumn { .. } => "MODIFY",
            AlterTableOperation::ChangeColumn { .. } => "CHANGE",
            _ => continue,
        };
        out.report(
            format!("SQLite does not support `ALTER TABLE … {what}`"),
            format!("SQLite rejects this at run time; `{table}` must be rebuilt"),
        );
    }
}
