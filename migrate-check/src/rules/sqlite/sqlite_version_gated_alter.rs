//! `sqlite-version-gated-alter`: `RENAME COLUMN` before SQLite 3.25,
//! `DROP COLUMN` before 3.35.

use sqlparser::ast::{AlterTableOperation, ColumnOption};

use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, LT, Rule};
use crate::statement::Stmt;

use super::support::{LT3_25, LT3_31, LT3_35, REBUILD, alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-version-gated-alter",
    dialects: &[LT],
    default_level: Level::Error,
    versions: &[],
    summary: "an `ALTER TABLE` form the oldest SQLite the migrations must run on does not have",
    explanation: "SQLite gained `ALTER TABLE … RENAME COLUMN` in 3.25 (2018), generated columns (`ADD COLUMN … AS (…)`) in 3.31 (2020) and `ALTER TABLE … DROP COLUMN` in 3.35 (2021); an older library answers with a syntax error, so the migration fails at deploy on every machine that links it (old distributions, mobile OS libraries, bundled copies). `sqlite_version` in migrate.toml is the oldest SQLite the migrations must run on (default 3.35).",
    lock: "",
    safe_alternative: REBUILD,
    equivalents: "none",
    bad: &[Example {
        dialect: LT,
        text: "-- file: migrate.toml
sqlite_version = \"3.22\"
-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT);
ALTER TABLE users RENAME COLUMN mail TO email; -- expect: sqlite-version-gated-alter
-- migrate:down
DROP TABLE users;
",
    }],
    good: &[Example {
        dialect: LT,
        text: "-- file: migrate.toml
sqlite_version = \"3.22\"
-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- migrate:down
DROP TABLE users;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    for op in &at.operations {
        let (what, since, name) = match op {
            AlterTableOperation::RenameColumn {
                old_column_name, ..
            } if ctx.version < LT3_25 => ("RENAME COLUMN", "3.25", old_column_name),
            AlterTableOperation::AddColumn { column_def, .. }
                if ctx.version < LT3_31
                    && column_def.options.iter().any(|o| {
                        matches!(
                            o.option,
                            ColumnOption::Generated {
                                generation_expr: Some(_),
                                ..
                            }
                        )
                    }) =>
            {
                ("ADD COLUMN … GENERATED ALWAYS AS", "3.31", &column_def.name)
            }
            AlterTableOperation::DropColumn { column_names, .. } if ctx.version < LT3_35 => {
                match column_names.first() {
                    Some(n) => ("DROP COLUMN", "3.35", n),
                    None => continue,
                }
            }
            _ => continue,
        };
        let f = out.report(
            format!(
                "`ALTER TABLE … {what}` (column `{table}.{}`) needs SQLite {since}; `sqlite_version` is {}",
                ident(name),
                ctx.version
            ),
            format!("a syntax error on SQLite < {since}: the migration fails at deploy"),
        );
        f.span = ident_span(ctx, stmt, name);
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, two};

    const ID: &str = "sqlite-version-gated-alter";
    const T: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);";
    const UP: &str = "ALTER TABLE t RENAME COLUMN a TO c;\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t ADD COLUMN d TEXT AS (upper(c));";

    #[test]
    fn gates_follow_the_version() {
        assert_eq!(lines(&two("3.24", T, UP), ID), [2, 3, 4]);
        assert_eq!(lines(&two("3.25", T, UP), ID), [3, 4]);
        assert_eq!(lines(&two("3.31", T, UP), ID), [3]);
        assert!(lines(&two("3.35", T, UP), ID).is_empty());
    }
}
