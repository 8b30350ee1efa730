//! `sqlite-add-column-restrictions`: `ADD COLUMN` forms SQLite rejects
//! (sqlparser accepts them).

use sqlparser::ast::{AlterTableOperation, ColumnOption, GeneratedAs, GeneratedExpressionMode};

use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, LT, Rule};
use crate::statement::Stmt;

use super::support::{LT3_37, REBUILD, alter_table, constant_default, ident_span, null_default};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-add-column-restrictions",
    dialects: &[LT],
    default_level: Level::Error,
    versions: &[],
    summary: "an `ADD COLUMN` that SQLite rejects: PRIMARY KEY, UNIQUE, a non-constant default, NOT NULL DEFAULT NULL, REFERENCES with a default",
    explanation: "SQLite adds a column by rewriting the table's CREATE statement, not its rows, so it refuses what would need the rows: \"Cannot add a PRIMARY KEY column\" and \"Cannot add a UNIQUE column\" always; \"Cannot add a column with non-constant default\" (CURRENT_TIME, CURRENT_DATE, CURRENT_TIMESTAMP, any expression other than a literal, parenthesized or not), \"Cannot add a NOT NULL column with default value NULL\" and \"Cannot add a REFERENCES column with non-NULL default value\" (with foreign keys on: the default of rusqlite's bundled SQLite and of most drivers) as soon as the table has a row (SQLite < 3.37: always, even on an empty table). The SQL parser used for checking accepts all of them, so the migration passes on an empty development database and fails at deploy. A plain NOT NULL without a default is `add-required-column`; a STORED generated column is `add-stored-generated-column`.",
    lock: "",
    safe_alternative: REBUILD,
    equivalents: "Atlas: LT101 (NOT NULL case); others: none",
    bad: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_created_at.sql
-- migrate:up
ALTER TABLE users ADD COLUMN created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP; -- expect: sqlite-add-column-restrictions
ALTER TABLE users ADD COLUMN handle TEXT UNIQUE; -- expect: sqlite-add-column-restrictions
-- migrate:down
ALTER TABLE users DROP COLUMN handle;
ALTER TABLE users DROP COLUMN created_at;
",
    }],
    good: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_created_at.sql
-- migrate:up
-- a constant default fills the existing rows; new rows get the time from the application
ALTER TABLE users ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01 00:00:00';
-- a plain column instead of a UNIQUE one: a unique index follows once it is filled
ALTER TABLE users ADD COLUMN handle TEXT;
-- migrate:down
ALTER TABLE users DROP COLUMN handle;
ALTER TABLE users DROP COLUMN created_at;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    // Before 3.37 SQLite raised these on empty tables too.
    let only_with_rows = ctx.version >= LT3_37;
    let new_table = ctx.is_new_table(&table);
    for op in &at.operations {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let options: Vec<&ColumnOption> = column_def.options.iter().map(|o| &o.option).collect();
        let default = options.iter().find_map(|o| match o {
            ColumnOption::Default(e) => Some(e),
            _ => None,
        });
        let not_null = options.iter().any(|o| matches!(o, ColumnOption::NotNull));
        let references = options
            .iter()
            .any(|o| matches!(o, ColumnOption::ForeignKey(_)));
        let stored = options.iter().any(|o| {
            matches!(o, ColumnOption::Generated { generation_expr: Some(_), generation_expr_mode, generated_as, .. }
                if *generation_expr_mode == Some(GeneratedExpressionMode::Stored) || *generated_as == GeneratedAs::ExpStored)
        });
        // (SQLite's message, whether it is raised even on an empty table)
        let mut errors: Vec<(&str, bool)> = Vec::new();
        if options
            .iter()
            .any(|o| matches!(o, ColumnOption::PrimaryKey(_)))
        {
            errors.push(("Cannot add a PRIMARY KEY column", true));
        }
        if options.iter().any(|o| matches!(o, ColumnOption::Unique(_))) {
            errors.push(("Cannot add a UNIQUE column", true));
        }
        if let Some(d) = default
            && !constant_default(d)
        {
            errors.push(("Cannot add a column with non-constant default", false));
        }
        if not_null && default.is_some_and(null_default) {
            errors.push((
                "Cannot add a NOT NULL column with default value NULL",
                false,
            ));
        }
        if references && default.is_some_and(|d| !null_default(d)) {
            errors.push((
                "Cannot add a REFERENCES column with non-NULL default value",
                false,
            ));
        }
        // On a new table before 3.37, the forms other rules own fail too.
        if new_table && !only_with_rows {
            if not_null && default.is_none() && !stored {
                errors.push((
                    "Cannot add a NOT NULL column with default value NULL",
                    false,
                ));
            }
            if stored {
                errors.push(("cannot add a STORED column", false));
            }
        }
        let column = ident(&column_def.name);
        for (message, always) in errors {
            if new_table && !always && only_with_rows {
                continue; // an empty table: accepted since 3.37
            }
            let when = if always || !only_with_rows {
                "always"
            } else {
                "as soon as the table has a row"
            };
            let f = out.report(
                format!("SQLite rejects adding column `{column}` to `{table}`: \"{message}\""),
                format!("fails at deploy ({when}); `{table}` must be rebuilt instead"),
            );
            f.span = ident_span(ctx, stmt, &column_def.name);
            if message.contains("REFERENCES") {
                f.notes.push("only with foreign keys on — the default of rusqlite's bundled SQLite (SQLITE_DEFAULT_FOREIGN_KEYS=1), sqlx and most drivers".into());
            }
            if !always && !only_with_rows {
                f.notes.push(format!(
                    "`sqlite_version` is {}: before SQLite 3.37 this is refused even on an empty table",
                    ctx.version
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, two};

    const ID: &str = "sqlite-add-column-restrictions";
    const T: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\nCREATE TABLE p (id INTEGER PRIMARY KEY);";

    #[test]
    fn each_rejected_form_on_an_existing_table() {
        let up = "ALTER TABLE t ADD COLUMN b INT PRIMARY KEY;\nALTER TABLE t ADD COLUMN c INT UNIQUE;\nALTER TABLE t ADD COLUMN d TEXT DEFAULT CURRENT_DATE;\nALTER TABLE t ADD COLUMN e TEXT DEFAULT (lower(a));\nALTER TABLE t ADD COLUMN f INT NOT NULL DEFAULT NULL;\nALTER TABLE t ADD COLUMN g INT REFERENCES p (id) DEFAULT 1;";
        assert_eq!(lines(&two("3.45", T, up), ID), [2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn constants_and_null_defaults_are_accepted() {
        let up = "ALTER TABLE t ADD COLUMN b INT NOT NULL DEFAULT -1;\nALTER TABLE t ADD COLUMN c TEXT DEFAULT 'x';\nALTER TABLE t ADD COLUMN d INT REFERENCES p (id);\nALTER TABLE t ADD COLUMN e INT REFERENCES p (id) DEFAULT NULL;\nALTER TABLE t ADD COLUMN f INT AS (id * 2);";
        assert!(lines(&two("3.45", T, up), ID).is_empty());
    }

    #[test]
    fn new_tables_depend_on_the_version() {
        let up = "CREATE TABLE n (id INTEGER PRIMARY KEY);\nALTER TABLE n ADD COLUMN a TEXT NOT NULL;\nALTER TABLE n ADD COLUMN b TEXT DEFAULT CURRENT_TIMESTAMP;\nALTER TABLE n ADD COLUMN c INT UNIQUE;";
        assert_eq!(lines(&two("3.37", T, up), ID), [5]);
        assert_eq!(lines(&two("3.35", T, up), ID), [3, 4, 5]);
    }
}
