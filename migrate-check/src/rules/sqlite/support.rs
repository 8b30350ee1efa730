//! What the SQLite rules share: the versions they branch on, reading a
//! `PRAGMA` however it was understood, the table rebuild the help points at,
//! and what a rebuild in a section looks like.

use std::ops::Range;

use sqlparser::ast::{AlterTable, Expr, Ident, Statement};

use crate::config::ServerVersion;
use crate::model::object;
use crate::rules::Ctx;
use crate::statement::{Recognized, Stmt};

/// SQLite 3.25: `ALTER TABLE … RENAME COLUMN`; RENAME TO rewrites triggers and views.
pub(crate) const LT3_25: ServerVersion = ServerVersion::new(3, 25, 0);
/// SQLite 3.31: generated columns.
pub(crate) const LT3_31: ServerVersion = ServerVersion::new(3, 31, 0);
/// SQLite 3.35: `ALTER TABLE … DROP COLUMN`.
pub(crate) const LT3_35: ServerVersion = ServerVersion::new(3, 35, 0);
/// SQLite 3.37: ADD COLUMN's NOT NULL / non-constant default / STORED /
/// REFERENCES-with-default errors are raised only when the table has rows.
pub(crate) const LT3_37: ServerVersion = ServerVersion::new(3, 37, 0);
/// SQLite 3.53: `ALTER TABLE … ALTER COLUMN c SET/DROP NOT NULL`,
/// `ADD [CONSTRAINT n] CHECK (…)`, `DROP CONSTRAINT n`.
pub(crate) const LT3_53: ServerVersion = ServerVersion::new(3, 53, 0);

/// The safe way for every change SQLite's ALTER TABLE cannot make.
pub(crate) const REBUILD: &str = "rebuild the table (sqlite.org/lang_altertable.html, \"other kinds of table schema changes\"): in a section marked `-- migrate:no-transaction`, `PRAGMA foreign_keys = OFF;` then `BEGIN;` drop the views (and other tables' triggers) that name t; `CREATE TABLE new_t (…the new shape…);` `INSERT INTO new_t (cols) SELECT cols FROM t;` `DROP TABLE t;` `ALTER TABLE new_t RENAME TO t;` create t's indexes, triggers and those views again; `PRAGMA foreign_key_check;` `COMMIT;` and `PRAGMA foreign_keys = ON;`";

/// The `ALTER TABLE` a statement is, with its normalized table name.
pub(crate) fn alter_table(stmt: &Stmt) -> Option<(&AlterTable, String)> {
    match stmt.ast()? {
        Statement::AlterTable(at) => Some((at, object(&at.name))),
        _ => None,
    }
}

/// The byte range of an identifier of the statement (`None`: the whole statement).
pub(crate) fn ident_span(ctx: &Ctx<'_>, stmt: &Stmt, name: &Ident) -> Option<Range<usize>> {
    let (start, end) = (name.span.start, name.span.end);
    if start.line == 0 || end.line == 0 {
        return None;
    }
    let s = ctx.file.offset(start.line, start.column);
    let e = ctx.file.offset(end.line, end.column);
    (stmt.span.start <= s && s < e && e <= stmt.span.end).then_some(s..e)
}

/// A `PRAGMA`: its name (lower case, schema dropped) and value as written,
/// whether sqlparser parsed it (`= 0`) or it was recognized (`= OFF`).
pub(crate) fn pragma(stmt: &Stmt) -> Option<(String, Option<String>)> {
    if let Some(Recognized::Pragma { name, value }) = stmt.recognized() {
        return Some((name.clone(), value.clone()));
    }
    match stmt.ast()? {
        Statement::Pragma { name, value, .. } => Some((
            object(name),
            value.as_ref().map(|v| match &v.value {
                sqlparser::ast::Value::SingleQuotedString(s)
                | sqlparser::ast::Value::DoubleQuotedString(s) => s.clone(),
                other => other.to_string(),
            }),
        )),
        _ => None,
    }
}

/// Whether a pragma value turns the setting on (`1`, `ON`, `TRUE`, `YES`).
pub(crate) fn pragma_on(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "on" | "true" | "yes"
    )
}

/// `PRAGMA foreign_keys = …`: `Some(true)` when it turns them on, `Some(false)` off.
pub(crate) fn foreign_keys_set(stmt: &Stmt) -> Option<bool> {
    match pragma(stmt)? {
        (name, Some(v)) if name == "foreign_keys" => Some(pragma_on(&v)),
        _ => None,
    }
}

/// A table the section rebuilds: `INSERT INTO new SELECT … FROM old` into a
/// table new in this migration, then `DROP TABLE old`.
#[derive(Debug)]
pub(crate) struct Rebuild {
    /// The table whose rows were copied and which is dropped.
    pub old: String,
    /// The new table the rows went to.
    pub new: String,
    /// Position of the copy.
    pub copy: usize,
}

/// The rebuild whose `DROP TABLE` is the current statement, if it is one:
/// the earlier copy of `table`'s rows into a table new in this migration.
pub(crate) fn rebuild_dropping(ctx: &Ctx<'_>, table: &str) -> Option<Rebuild> {
    if !ctx.state.copied.contains(table) {
        return None;
    }
    ctx.statements[..ctx.position]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, s)| {
            let (target, sources) = crate::rules::state::copy_of(s)?;
            (sources.iter().any(|t| t == table) && target != table).then(|| Rebuild {
                old: table.to_string(),
                new: target,
                copy: i,
            })
        })
}

/// What a rebuild's copy (`INSERT INTO new SELECT … FROM old`) reads from
/// its select list: `None` when it selects `*` (every column), otherwise the
/// identifiers its select-list expressions use. Read from the AST, so a `*`
/// in an expression or a name in the WHERE clause does not count.
pub(crate) fn copied_columns(copy: &Stmt) -> Option<Vec<String>> {
    use sqlparser::ast::{SelectItem, SetExpr};
    let Some(Statement::Insert(insert)) = copy.ast() else {
        return Some(Vec::new());
    };
    let Some(SetExpr::Select(select)) = insert.source.as_deref().map(|q| q.body.as_ref()) else {
        return Some(Vec::new());
    };
    let mut read = Vec::new();
    for item in &select.projection {
        match item {
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => return None,
            SelectItem::UnnamedExpr(e)
            | SelectItem::ExprWithAlias { expr: e, .. }
            | SelectItem::ExprWithAliases { expr: e, .. } => {
                read.extend(crate::model::expression_identifiers(&e.to_string()));
            }
        }
    }
    Some(read)
}

/// The `DROP TABLE` names of a statement (not temporary tables).
pub(crate) fn dropped_tables(stmt: &Stmt) -> Vec<String> {
    match stmt.ast() {
        Some(Statement::Drop {
            object_type: sqlparser::ast::ObjectType::Table,
            names,
            temporary: false,
            ..
        }) => names.iter().map(object).collect(),
        _ => Vec::new(),
    }
}

/// `ALTER TABLE a RENAME TO b`: (a, b).
pub(crate) fn renamed_table(stmt: &Stmt) -> Option<(String, String)> {
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return None;
    };
    at.operations.iter().find_map(|op| match op {
        sqlparser::ast::AlterTableOperation::RenameTable { table_name } => {
            let new = match table_name {
                sqlparser::ast::RenameTableNameKind::As(n)
                | sqlparser::ast::RenameTableNameKind::To(n) => object(n),
            };
            Some((object(&at.name), new))
        }
        _ => None,
    })
}

/// Whether a column default is a constant SQLite accepts in `ADD COLUMN`:
/// a literal, a signed number, NULL, TRUE/FALSE, parenthesized or not — not
/// `CURRENT_TIME`, `CURRENT_DATE`, `CURRENT_TIMESTAMP` or any other expression.
pub(crate) fn constant_default(e: &Expr) -> bool {
    match e {
        Expr::Value(_) => true,
        // `(0)`, `(-1)`, `('a')`: parentheses around a literal are accepted.
        Expr::Nested(x) => constant_default(x),
        Expr::UnaryOp { expr, .. } => constant_default(expr),
        // sqlparser reads `TRUE`/`FALSE` as values, `CURRENT_TIMESTAMP` as a function.
        _ => false,
    }
}

/// Whether a default is NULL.
pub(crate) fn null_default(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if v.value == sqlparser::ast::Value::Null)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Running SQLite migrations through the whole pipeline.

    use crate::{Config, Dialect, FileEntry, Input, Report, check};

    /// Checks files (name, text) with `sqlite_version = version`.
    pub fn run(version: &str, files: &[(&str, &str)]) -> Report {
        check(Input {
            entries: files
                .iter()
                .map(|(name, text)| FileEntry {
                    rel_path: name.to_string(),
                    bytes: text.as_bytes().to_vec(),
                })
                .collect(),
            display_dir: String::new(),
            config: Config {
                dialect: Dialect::Sqlite,
                sqlite_version: version.parse().unwrap(),
                ..Default::default()
            },
            config_source: None,
        })
    }

    /// A setup migration, then one whose up is `up` (irreversible).
    pub fn two(version: &str, setup: &str, up: &str) -> Report {
        let first = format!("-- migrate:up\n{setup}\n-- migrate:irreversible: test setup\n");
        let second = format!("-- migrate:up\n{up}\n-- migrate:irreversible: test\n");
        run(
            version,
            &[("0001_setup.sql", &first), ("0002_change.sql", &second)],
        )
    }

    /// The lines of the second migration where `rule` reported.
    pub fn lines(report: &Report, rule: &str) -> Vec<u32> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule && report.files[d.file].rel_path == "0002_change.sql")
            .map(|d| d.line)
            .collect()
    }
}
