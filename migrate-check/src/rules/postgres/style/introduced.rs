//! What a statement introduces: the column definitions the style rules judge
//! (CREATE TABLE columns, ADD COLUMN, ALTER COLUMN … TYPE), where to point,
//! and what a new column references.
//!
//! Style rules judge what a migration introduces, never what already
//! exists: a table created years ago is not reported again by every later
//! migration. Down sections are skipped: a down restores what was there
//! before its up (an `int` column it re-adds must be an `int` again), and
//! that definition was judged when it was first introduced.

use std::ops::Range;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, ColumnOptionDef, DataType,
    Ident, ObjectName, Statement, TableConstraint,
};

use super::types::{Ty, resolve, resolve_text};
use crate::model::{ConstraintKind, ident, object};
use crate::rules::{Ctx, SectionKind};
use crate::statement::Stmt;

/// How a column definition came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// A column of `CREATE TABLE`.
    CreateTable,
    /// `ALTER TABLE … ADD COLUMN`.
    AddColumn,
    /// `ALTER TABLE … ALTER COLUMN … [SET DATA] TYPE`.
    AlterType,
}

/// A column definition a statement introduces.
pub(super) struct NewColumn<'a> {
    /// The table (normalized).
    pub table: String,
    /// The column name as written.
    pub name: &'a Ident,
    /// Its (new) type.
    pub data_type: &'a DataType,
    /// Its options (none for a type change).
    pub options: &'a [ColumnOptionDef],
    /// Where it comes from.
    pub origin: Origin,
}

impl NewColumn<'_> {
    /// `table.column`, for messages.
    pub(super) fn qualified(&self) -> String {
        format!("{}.{}", self.table, ident(self.name))
    }
}

/// The column definitions `stmt` introduces in an up section. Temporary
/// tables are scratch space and are left alone.
pub(super) fn new_columns<'a>(ctx: &Ctx<'_>, stmt: &'a Stmt) -> Vec<NewColumn<'a>> {
    let mut out = Vec::new();
    if ctx.section == SectionKind::Down {
        return out;
    }
    match stmt.ast() {
        Some(Statement::CreateTable(ct)) if !ct.temporary => {
            let table = object(&ct.name);
            out.extend(
                ct.columns
                    .iter()
                    .map(|c| column_def(&table, c, Origin::CreateTable)),
            );
        }
        Some(Statement::AlterTable(at)) => {
            let table = object(&at.name);
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def: c, .. } => {
                        out.push(column_def(&table, c, Origin::AddColumn));
                    }
                    AlterTableOperation::AlterColumn {
                        column_name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    } => out.push(NewColumn {
                        table: table.clone(),
                        name: column_name,
                        data_type,
                        options: &[],
                        origin: Origin::AlterType,
                    }),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

fn column_def<'a>(table: &str, c: &'a ColumnDef, origin: Origin) -> NewColumn<'a> {
    NewColumn {
        table: table.to_string(),
        name: &c.name,
        data_type: &c.data_type,
        options: &c.options,
        origin,
    }
}

/// The byte range of an identifier in the file, when sqlparser kept its place.
pub(super) fn span_of(ctx: &Ctx<'_>, i: &Ident) -> Option<Range<usize>> {
    let (s, e) = (i.span.start, i.span.end);
    if s.line == 0 {
        return None;
    }
    let start = ctx.file.offset(s.line, s.column);
    let end = ctx.file.offset(e.line, e.column).max(start);
    Some(start..end)
}

/// The last part of an object name (the object itself, without its schema).
pub(super) fn last_ident(name: &ObjectName) -> Option<&Ident> {
    name.0.last().and_then(|p| p.as_ident())
}

/// The key a foreign-key column references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Referenced {
    /// `table.column` of the key.
    pub key: String,
    /// The key's type, when the model knows it.
    pub ty: Option<Ty>,
}

/// When `col` is (part of) a foreign key — inline `REFERENCES`, a
/// `FOREIGN KEY` of the same statement or of a later statement of the
/// section, or one the model already has — the key it references.
pub(super) fn referenced_key(
    ctx: &Ctx<'_>,
    stmt: &Stmt,
    col: &NewColumn<'_>,
) -> Option<Referenced> {
    let name = ident(col.name);
    // (referenced table, referred columns as written, position of the column in the FK)
    let mut fk: Option<(String, Vec<String>, usize)> = None;
    for o in col.options {
        if let ColumnOption::ForeignKey(f) = &o.option {
            fk = Some((object(&f.foreign_table), idents(&f.referred_columns), 0));
        }
    }
    let from_constraint = |c: &TableConstraint| match c {
        TableConstraint::ForeignKey(f) => {
            let pos = f.columns.iter().position(|c| ident(c) == name)?;
            Some((object(&f.foreign_table), idents(&f.referred_columns), pos))
        }
        _ => None,
    };
    let same_table = |s: &Stmt| -> Vec<(String, Vec<String>, usize)> {
        match s.ast() {
            Some(Statement::CreateTable(ct)) if object(&ct.name) == col.table => {
                ct.constraints.iter().filter_map(from_constraint).collect()
            }
            Some(Statement::AlterTable(at)) if object(&at.name) == col.table => at
                .operations
                .iter()
                .filter_map(|op| match op {
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        from_constraint(constraint)
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    if fk.is_none() {
        fk = same_table(stmt).into_iter().next();
    }
    if fk.is_none() {
        fk = ctx.statements[ctx.position + 1..]
            .iter()
            .flat_map(same_table)
            .next();
    }
    if fk.is_none()
        && let Some(t) = ctx.schema.table(&col.table)
    {
        fk = t.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::ForeignKey {
                columns,
                references,
                referred,
            } => {
                let pos = columns.iter().position(|c| *c == name)?;
                Some((references.clone(), referred.clone(), pos))
            }
            _ => None,
        });
    }
    let (table, referred, pos) = fk?;
    Some(key_type(ctx, stmt, &table, &referred, pos))
}

fn idents(list: &[Ident]) -> Vec<String> {
    list.iter().map(ident).collect()
}

/// The type of the `pos`-th referenced column: named, or the primary key's.
fn key_type(
    ctx: &Ctx<'_>,
    stmt: &Stmt,
    table: &str,
    referred: &[String],
    pos: usize,
) -> Referenced {
    // A table referencing itself, in its own CREATE TABLE.
    if let Some(Statement::CreateTable(ct)) = stmt.ast()
        && object(&ct.name) == table
    {
        let pk: Vec<String> = ct
            .columns
            .iter()
            .filter(|c| {
                c.options
                    .iter()
                    .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_)))
            })
            .map(|c| ident(&c.name))
            .chain(ct.constraints.iter().flat_map(|c| {
                match c {
                    TableConstraint::PrimaryKey(pk) => pk
                        .columns
                        .iter()
                        .map(|c| c.column.expr.to_string().to_lowercase())
                        .collect(),
                    _ => Vec::new(),
                }
            }))
            .collect();
        let column = referred.get(pos).or_else(|| pk.get(pos)).cloned();
        let ty = column.as_ref().and_then(|name| {
            ct.columns
                .iter()
                .find(|c| ident(&c.name) == *name)
                .map(|c| resolve(&c.data_type).ty)
        });
        return Referenced {
            key: format!("{table}.{}", column.unwrap_or_else(|| "?".into())),
            ty,
        };
    }
    let Some(t) = ctx.schema.table(table) else {
        return Referenced {
            key: format!("{table}.{}", referred.get(pos).map_or("?", String::as_str)),
            ty: None,
        };
    };
    let pk = t.constraints.iter().find_map(|c| match &c.kind {
        ConstraintKind::PrimaryKey(cols) => Some(cols.clone()),
        _ => None,
    });
    let column = referred
        .get(pos)
        .cloned()
        .or_else(|| pk.and_then(|cols| cols.get(pos).cloned()));
    let ty = column
        .as_ref()
        .and_then(|c| t.column(c))
        .map(|c| resolve_text(&c.data_type));
    Referenced {
        key: format!("{table}.{}", column.unwrap_or_else(|| "?".into())),
        ty,
    }
}
