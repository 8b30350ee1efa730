//! `sqlite-drop-column-restrictions`: `DROP COLUMN` of a column SQLite
//! refuses to drop (a key, an indexed column, one a constraint uses).

use sqlparser::ast::AlterTableOperation;

use crate::config::Level;
use crate::model::{ConstraintKind, ident};
use crate::rules::{Ctx, Example, Findings, LT, Rule, VersionGate};
use crate::statement::Stmt;

use super::support::{LT3_35, alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-drop-column-restrictions",
    dialects: &[LT],
    default_level: Level::Error,
    versions: &[VersionGate {
        dialect: LT,
        since: Some(LT3_35),
        until: None,
    }],
    summary: "`DROP COLUMN` of a column SQLite refuses to drop: a key, an indexed column, one a table constraint or a view uses",
    explanation: "SQLite's DROP COLUMN (3.35) rewrites the table's CREATE statement without the column and then re-reads the whole schema; it fails when the column is the PRIMARY KEY (\"cannot drop PRIMARY KEY column\"), UNIQUE (\"cannot drop UNIQUE column\"), in an index, expression indexes included (\"error in index … after drop column\"), named by a table-level CHECK or FOREIGN KEY constraint (\"error in table … after drop column\"), or used by a view or a trigger (\"error in view …\", \"error in trigger …\"). It fails whether or not the table has rows, so the migration fails at deploy. A CHECK or REFERENCES written on the column itself goes with the column and is not reported; neither are constraints the checker cannot tell from those (a single-column CHECK or FOREIGN KEY of this column alone).",
    lock: "",
    safe_alternative: "drop the index (or view) first and recreate it without the column, or, for keys and constraints, rebuild the table: in a section marked `-- migrate:no-transaction`, `PRAGMA foreign_keys = OFF;` then `BEGIN;` `CREATE TABLE new_t (…without the column…);` `INSERT INTO new_t (cols) SELECT cols FROM t;` `DROP TABLE t;` `ALTER TABLE new_t RENAME TO t;` recreate t's indexes, triggers and views; `PRAGMA foreign_key_check;` `COMMIT;` and `PRAGMA foreign_keys = ON;`",
    equivalents: "none",
    bad: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_login TEXT);
CREATE INDEX users_legacy_login_idx ON users (legacy_login);
-- migrate:down
DROP TABLE users;
-- file: 0002_drop_users_legacy_login.sql
-- migrate:up
-- migrate:allow(drop-column): no reader since release 4.2
ALTER TABLE users DROP COLUMN legacy_login; -- expect: sqlite-drop-column-restrictions
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
CREATE INDEX users_legacy_login_idx ON users (legacy_login);
",
    }],
    good: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_login TEXT);
CREATE INDEX users_legacy_login_idx ON users (legacy_login);
-- migrate:down
DROP TABLE users;
-- file: 0002_drop_users_legacy_login.sql
-- migrate:up
DROP INDEX users_legacy_login_idx;
-- migrate:allow(drop-column): no reader since release 4.2
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
CREATE INDEX users_legacy_login_idx ON users (legacy_login);
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    let Some(t) = ctx.schema.table(&table) else {
        return;
    };
    for op in &at.operations {
        let AlterTableOperation::DropColumn { column_names, .. } = op else {
            continue;
        };
        for name in column_names {
            let column = ident(name);
            let mut why: Vec<String> = Vec::new();
            for c in &t.constraints {
                if !c.kind.mentions(&column) {
                    continue;
                }
                match &c.kind {
                    ConstraintKind::PrimaryKey(_) => {
                        why.push("cannot drop PRIMARY KEY column".into())
                    }
                    ConstraintKind::Unique(_) => why.push("cannot drop UNIQUE column".into()),
                    ConstraintKind::ForeignKey { columns, .. } if columns.len() > 1 => why.push(
                        format!("error in table {table} after drop column: unknown column \"{column}\" in foreign key definition"),
                    ),
                    ConstraintKind::Check(expr) if mentions_other(expr, &column) => why.push(
                        format!("error in table {table} after drop column: no such column: {column}"),
                    ),
                    _ => {}
                }
            }
            // Indexes other than the ones the constraints above build.
            for i in ctx.schema.indexes_on(&table) {
                let implied = t
                    .constraints
                    .iter()
                    .any(|c| c.name.as_deref() == Some(i.name.as_str()));
                if !implied && i.columns.iter().any(|c| uses(c, &column)) {
                    why.push(format!(
                        "error in index {} after drop column: no such column: {column}",
                        i.name
                    ));
                }
            }
            // Triggers are re-read too: those on the table, and those whose
            // body names the table (dependents_of finds both).
            for d in ctx.schema.dependents_of(&table) {
                if d.trigger_on.is_some() && d.identifiers.contains(&column) {
                    why.push(format!(
                        "error in trigger {} after drop column: no such column: {column}",
                        d.name
                    ));
                }
            }
            for (view, _) in ctx.schema.views_using(&table, &column) {
                why.push(format!(
                    "error in view {view} after drop column: no such column: {column}"
                ));
            }
            let Some(first) = why.first() else { continue };
            let f = out.report(
                format!("SQLite cannot drop column `{table}.{column}`: \"{first}\""),
                "fails at deploy, whether or not the table has rows",
            );
            f.span = ident_span(ctx, stmt, name);
            for w in &why[1..] {
                f.notes.push(format!("also: \"{w}\""));
            }
        }
    }
}

/// Whether an index column (a name or an expression) uses the column.
fn uses(index_column: &str, column: &str) -> bool {
    let first = index_column.split_whitespace().next().unwrap_or("");
    first == column
        || crate::model::expression_identifiers(index_column)
            .iter()
            .any(|i| i == column)
}

/// Whether a CHECK expression uses the column and another one (a CHECK of
/// the column alone may be written on the column, and goes with it).
fn mentions_other(expr: &str, column: &str) -> bool {
    let ids = crate::model::expression_identifiers(expr);
    ids.iter().any(|i| i == column) && ids.iter().any(|i| i != column)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, two};

    const ID: &str = "sqlite-drop-column-restrictions";
    const T: &str = "CREATE TABLE p (id INTEGER PRIMARY KEY, x INT);\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT UNIQUE, c INT REFERENCES p (id), d INT CHECK (d > 0), e INT, k INT, m INT, n INT, o INT, q INT, CHECK (e > a), FOREIGN KEY (n, o) REFERENCES p (id, x));\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_k ON t (lower(k));\nCREATE VIEW v AS SELECT m FROM t;\nCREATE TRIGGER tr AFTER UPDATE ON t FOR EACH ROW WHEN NEW.o = OLD.o BEGIN UPDATE t SET o = 0 WHERE id = NEW.id; END;";

    #[test]
    fn what_sqlite_refuses_is_reported() {
        let up = "ALTER TABLE t DROP COLUMN id;\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t DROP COLUMN e;\nALTER TABLE t DROP COLUMN a;\nALTER TABLE t DROP COLUMN k;\nALTER TABLE t DROP COLUMN n;\nALTER TABLE t DROP COLUMN m;\nALTER TABLE t DROP COLUMN o;";
        assert_eq!(lines(&two("3.35", T, up), ID), [2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn what_goes_with_the_column_is_not() {
        let up = "ALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;\nALTER TABLE t DROP COLUMN q;";
        assert!(lines(&two("3.35", T, up), ID).is_empty());
        // Dropping the index first frees the column.
        let s = "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT);\nCREATE INDEX s_a ON s (a);";
        assert_eq!(
            lines(&two("3.35", s, "ALTER TABLE s DROP COLUMN a;"), ID),
            [2]
        );
        let up = "DROP INDEX s_a;\nALTER TABLE s DROP COLUMN a;";
        assert!(lines(&two("3.35", s, up), ID).is_empty());
    }
}
