//! `sqlite-ignored-column-position`: MySQL's `AFTER col` / `FIRST` in a
//! SQLite `ADD COLUMN`, which SQLite reads as more words of the type name.

use sqlparser::ast::AlterTableOperation;

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, LT, Rule};
use crate::statement::{Recognized, Stmt};

use super::support::{alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-ignored-column-position",
    dialects: &[LT],
    default_level: Level::Warn,
    versions: &[],
    summary: "MySQL's `AFTER col` / `FIRST` in a SQLite `ADD COLUMN` becomes part of the column's type name",
    explanation: "SQLite has no column positions: `ALTER TABLE t ADD COLUMN c TEXT AFTER d` does not fail, because SQLite reads a type name as any run of words, so the column is declared with the type `TEXT AFTER d` and added last. Its type affinity still comes from `TEXT`, so values behave, but the schema says something nobody meant, tools that read declared types see a type that does not exist, and code that expects the column after `d` (`SELECT *` consumers, positional inserts) sees it last. It usually means a migration written for MySQL was run on SQLite.",
    lock: "",
    safe_alternative: "drop the `AFTER …` / `FIRST` clause (the column is added last either way); if the order matters, rebuild the table with the columns in the order wanted",
    equivalents: "none",
    bad: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_name.sql
-- migrate:up
ALTER TABLE users ADD COLUMN name TEXT AFTER id; -- expect: sqlite-ignored-column-position
-- migrate:down
ALTER TABLE users DROP COLUMN name;
",
    }],
    good: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_name.sql
-- migrate:up
ALTER TABLE users ADD COLUMN name TEXT;
-- migrate:down
ALTER TABLE users DROP COLUMN name;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // The recognizer parsed the statement without the position and kept it
    // as the clause; the column's type is the one SQLite records.
    let Some(Recognized::WithClause { clause, .. }) = stmt.recognized() else {
        return;
    };
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    for op in &at.operations {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let f = out.report(
            format!(
                "`{clause}` is no column position in SQLite: column `{}` of `{table}` is declared `{}` and added last",
                column_def.name.value, column_def.data_type
            ),
            "read by SQLite as part of the type name",
        );
        f.span = ident_span(ctx, stmt, &column_def.name);
    }
}
