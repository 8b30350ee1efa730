//! What the rules of this group share: the foreign keys a statement adds, the
//! index keys a statement builds, the extent of the current transaction, the
//! objects created earlier in the section and the string literals a
//! statement uses. All of it read from the AST, never from the text.

use std::ops::Range;

use sqlparser::ast::{
    AlterTableOperation, ColumnOption, ColumnOptionDef, Expr, FunctionArg, FunctionArgExpr,
    FunctionArguments, InTarget, Query, SelectItem, SetExpr, Statement, TableConstraint,
    TableFactor, TableObject, Value,
};

use crate::model::{ConstraintKind, Schema, ident, object};
use crate::rules::Ctx;
use crate::statement::{Recognized, Stmt};

/// PostgreSQL's limit on identifiers (NAMEDATALEN - 1).
const MAX_NAME: usize = 63;

/// How a foreign key is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FkForm {
    /// `ALTER TABLE … ADD [CONSTRAINT x] FOREIGN KEY …`.
    AddConstraint {
        /// `NOT VALID` was given: existing rows are not checked.
        not_valid: bool,
    },
    /// `ALTER TABLE … ADD COLUMN c … REFERENCES …`.
    AddColumn {
        /// The new column gets a value in existing rows (any `DEFAULT`, even
        /// `DEFAULT NULL`, a generated expression, an identity, a serial
        /// type), so PostgreSQL checks every row. Without one the column is
        /// all NULL and PostgreSQL skips the check.
        filled: bool,
    },
    /// `CREATE TABLE … REFERENCES …`: the table is empty.
    CreateTable,
}

/// A foreign key a statement adds.
#[derive(Clone, Debug)]
pub(super) struct AddedFk {
    /// The referencing table.
    pub table: String,
    /// Its name, as given or as PostgreSQL will choose it.
    pub name: Option<String>,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: String,
    /// How it is added.
    pub form: FkForm,
    /// False for `NOT ENFORCED` (PostgreSQL 18): nothing is ever checked.
    pub enforced: bool,
}

impl AddedFk {
    /// How to name it in a message: `orders_user_id_fkey` or `orders (user_id)`.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(n) => format!("`{n}`"),
            None => format!("on `{} ({})`", self.table, self.columns.join(", ")),
        }
    }
}

/// The name PostgreSQL gives an unnamed foreign key: `<table>_<cols>_fkey`
/// (`None` when it would be truncated: we do not guess how).
pub(super) fn default_fk_name(table: &str, columns: &[String]) -> Option<String> {
    let name = format!("{table}_{}_fkey", columns.join("_"));
    (name.len() <= MAX_NAME).then_some(name)
}

fn enforced(c: &Option<sqlparser::ast::ConstraintCharacteristics>) -> bool {
    c.as_ref().and_then(|c| c.enforced) != Some(false)
}

/// Whether a new column gets a value in the existing rows.
fn column_filled(def: &sqlparser::ast::ColumnDef) -> bool {
    def.options.iter().any(|o| {
        matches!(
            o.option,
            ColumnOption::Default(_) | ColumnOption::Generated { .. } | ColumnOption::Identity(_)
        )
    }) || matches!(
        def.data_type.to_string().to_ascii_uppercase().as_str(),
        "SERIAL" | "BIGSERIAL" | "SMALLSERIAL" | "SERIAL2" | "SERIAL4" | "SERIAL8"
    )
}

fn column_fks(
    table: &str,
    column: &sqlparser::ast::Ident,
    options: &[ColumnOptionDef],
    form: FkForm,
    out: &mut Vec<AddedFk>,
) {
    for o in options {
        if let ColumnOption::ForeignKey(fk) = &o.option {
            let columns = vec![ident(column)];
            let name = o
                .name
                .as_ref()
                .or(fk.name.as_ref())
                .map(ident)
                .or_else(|| default_fk_name(table, &columns));
            out.push(AddedFk {
                table: table.to_string(),
                name,
                columns,
                references: object(&fk.foreign_table),
                form,
                enforced: enforced(&fk.characteristics),
            });
        }
    }
}

fn table_fk(table: &str, c: &TableConstraint, form: FkForm, out: &mut Vec<AddedFk>) {
    if let TableConstraint::ForeignKey(fk) = c {
        let columns: Vec<String> = fk.columns.iter().map(ident).collect();
        let name = fk
            .name
            .as_ref()
            .map(ident)
            .or_else(|| default_fk_name(table, &columns));
        out.push(AddedFk {
            table: table.to_string(),
            name,
            columns,
            references: object(&fk.foreign_table),
            form,
            enforced: enforced(&fk.characteristics),
        });
    }
}

/// The foreign keys a statement adds, in the order written.
pub(super) fn fks_added(stmt: &Stmt) -> Vec<AddedFk> {
    let mut out = Vec::new();
    match stmt.ast() {
        Some(Statement::AlterTable(at)) => {
            let table = object(&at.name);
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddConstraint {
                        constraint,
                        not_valid,
                    } => table_fk(
                        &table,
                        constraint,
                        FkForm::AddConstraint {
                            not_valid: *not_valid,
                        },
                        &mut out,
                    ),
                    AlterTableOperation::AddColumn { column_def, .. } => column_fks(
                        &table,
                        &column_def.name,
                        &column_def.options,
                        FkForm::AddColumn {
                            filled: column_filled(column_def),
                        },
                        &mut out,
                    ),
                    _ => {}
                }
            }
        }
        Some(Statement::CreateTable(ct)) => {
            let table = object(&ct.name);
            for c in &ct.columns {
                column_fks(&table, &c.name, &c.options, FkForm::CreateTable, &mut out);
            }
            for c in &ct.constraints {
                table_fk(&table, c, FkForm::CreateTable, &mut out);
            }
        }
        _ => {}
    }
    out
}

/// The foreign key of `table` called `name` in the model, with its columns
/// and referenced table (an unnamed one answers to PostgreSQL's default name).
pub(super) fn model_fk(schema: &Schema, table: &str, name: &str) -> Option<(Vec<String>, String)> {
    schema
        .table(table)?
        .constraints
        .iter()
        .find_map(|c| match &c.kind {
            ConstraintKind::ForeignKey {
                columns,
                references,
                ..
            } if c.name.as_deref() == Some(name)
                || (c.name.is_none()
                    && default_fk_name(table, columns).as_deref() == Some(name)) =>
            {
                Some((columns.clone(), references.clone()))
            }
            _ => None,
        })
}

/// Normalizes an index key or column for comparison: quotes off, lower case
/// (the model keeps index keys as lower-cased text).
fn norm(s: &str) -> String {
    s.trim_matches('"').to_lowercase()
}

fn index_key(c: &sqlparser::ast::IndexColumn) -> String {
    match &c.column.expr {
        Expr::Identifier(i) => ident(i),
        e => e.to_string(),
    }
}

/// The index keys (column lists) a statement builds on `table`: indexes,
/// primary keys and unique constraints (each is backed by an index).
pub(super) fn keys_built(stmt: &Stmt, table: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let constraint_key = |c: &TableConstraint| match c {
        TableConstraint::PrimaryKey(pk) => Some(pk.columns.iter().map(index_key).collect()),
        TableConstraint::Unique(u) => Some(u.columns.iter().map(index_key).collect()),
        _ => None,
    };
    let column_keys = |def: &sqlparser::ast::ColumnDef, out: &mut Vec<Vec<String>>| {
        for o in &def.options {
            if matches!(
                o.option,
                ColumnOption::PrimaryKey(_) | ColumnOption::Unique(_)
            ) {
                out.push(vec![ident(&def.name)]);
            }
        }
    };
    match stmt.ast() {
        Some(Statement::CreateIndex(ci)) if object(&ci.table_name) == table => {
            out.push(ci.columns.iter().map(index_key).collect());
        }
        Some(Statement::CreateTable(ct)) if object(&ct.name) == table => {
            for c in &ct.columns {
                column_keys(c, &mut out);
            }
            out.extend(ct.constraints.iter().filter_map(constraint_key));
        }
        Some(Statement::AlterTable(at)) if object(&at.name) == table => {
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        out.extend(constraint_key(constraint))
                    }
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        column_keys(column_def, &mut out)
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// The index keys on `table` in the model, each with the index name when it
/// is a plain index (constraint-backed keys have none).
pub(super) fn keys_in_schema(schema: &Schema, table: &str) -> Vec<(Option<String>, Vec<String>)> {
    let mut out: Vec<(Option<String>, Vec<String>)> = schema
        .indexes_on(table)
        .map(|i| (Some(i.name.clone()), i.columns.clone()))
        .collect();
    if let Some(t) = schema.table(table) {
        for c in &t.constraints {
            if let ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) = &c.kind {
                out.push((None, cols.clone()));
            }
        }
    }
    out
}

/// Whether an index on `key` serves lookups on `columns`: its leading
/// columns are exactly those columns, in any order.
pub(super) fn covers(key: &[String], columns: &[String]) -> bool {
    if columns.is_empty() || key.len() < columns.len() {
        return false;
    }
    let mut lead: Vec<String> = key[..columns.len()].iter().map(|k| norm(k)).collect();
    let mut cols: Vec<String> = columns.iter().map(|c| norm(c)).collect();
    lead.sort();
    cols.sort();
    lead == cols
}

/// The positions of the statements in the transaction the current statement
/// runs in (just itself when it runs in autocommit).
pub(super) fn current_transaction(ctx: &Ctx<'_>) -> Range<usize> {
    let here = ctx.position;
    if !ctx.in_transaction {
        return here..here + 1;
    }
    let start = match ctx.state.explicit_begin {
        Some(b) => b + 1,
        None => ctx.statements[..here]
            .iter()
            .rposition(|s| s.transaction_control().is_some())
            .map_or(0, |p| p + 1),
    };
    let end = ctx.statements[here + 1..]
        .iter()
        .position(|s| s.transaction_control() == Some(false))
        .map_or(ctx.statements.len(), |p| here + 1 + p);
    start..end
}

/// The first statement before the current one in the section that `pred`
/// accepts, if any.
pub(super) fn earlier<'a>(
    ctx: &'a Ctx<'_>,
    range: Range<usize>,
    pred: impl Fn(&Statement) -> bool,
) -> Option<&'a Stmt> {
    ctx.statements[range]
        .iter()
        .find(|s| s.ast().is_some_and(&pred))
}

/// The line of a statement earlier in this section that filled `table` with
/// rows copied from elsewhere (`INSERT INTO table SELECT …`, `CREATE TABLE
/// table AS SELECT …`): a new table, but no longer an empty one.
pub(super) fn filled_earlier(ctx: &Ctx<'_>, table: &str) -> Option<u32> {
    let filled = |s: &Statement| match s {
        Statement::Insert(i) => {
            matches!(&i.table, TableObject::TableName(n) if object(n) == table)
                && i.source
                    .as_ref()
                    .is_some_and(|q| !matches!(q.body.as_ref(), SetExpr::Values(_)))
        }
        Statement::CreateTable(ct) => ct.query.is_some() && object(&ct.name) == table,
        _ => false,
    };
    earlier(ctx, 0..ctx.position, filled).map(|s| s.line)
}

/// The tables a query reads (`FROM` and joins of its top-level selects).
pub(super) fn query_sources(q: &Query) -> Vec<String> {
    fn set_sources(body: &SetExpr, out: &mut Vec<String>) {
        match body {
            SetExpr::Select(s) => {
                for f in &s.from {
                    for r in std::iter::once(&f.relation).chain(f.joins.iter().map(|j| &j.relation))
                    {
                        if let TableFactor::Table { name, .. } = r {
                            out.push(object(name));
                        }
                    }
                }
            }
            SetExpr::Query(q) => set_sources(&q.body, out),
            SetExpr::SetOperation { left, right, .. } => {
                set_sources(left, out);
                set_sources(right, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    set_sources(&q.body, &mut out);
    out
}

/// Whether a recognized statement is `ALTER DOMAIN`, and its domain.
pub(super) fn alter_domain(stmt: &Stmt) -> Option<(&str, bool)> {
    match stmt.recognized()? {
        Recognized::AlterDomain { name, action } => Some((
            name.as_str(),
            matches!(
                action,
                crate::statement::DomainAction::AddConstraint { .. }
                    | crate::statement::DomainAction::SetNotNull
            ),
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// String literals a statement uses (where a new enum value would be used).

/// Whether `stmt` uses the string literal `value` in one of the places a
/// migration puts data: inserted rows, `UPDATE … SET`, `WHERE` conditions,
/// defaults, checks, index predicates and the selects feeding them.
pub(super) fn uses_literal(stmt: &Statement, value: &str) -> bool {
    let mut found = false;
    let mut f = |e: &Expr| {
        if let Expr::Value(v) = e {
            let s = match &v.value {
                Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => Some(s.as_str()),
                Value::DollarQuotedString(d) => Some(d.value.as_str()),
                _ => None,
            };
            found |= s == Some(value);
        }
    };
    statement_exprs(stmt, &mut f);
    found
}

fn statement_exprs(stmt: &Statement, f: &mut dyn FnMut(&Expr)) {
    match stmt {
        Statement::Query(q) => query_exprs(q, f),
        Statement::Insert(i) => {
            if let Some(q) = &i.source {
                query_exprs(q, f);
            }
            for a in &i.assignments {
                expr(&a.value, f);
            }
        }
        Statement::Update(u) => {
            for a in &u.assignments {
                expr(&a.value, f);
            }
            if let Some(e) = &u.selection {
                expr(e, f);
            }
        }
        Statement::Delete(d) => {
            if let Some(e) = &d.selection {
                expr(e, f);
            }
        }
        Statement::AlterTable(at) => {
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        column_exprs(&column_def.options, f)
                    }
                    AlterTableOperation::AlterColumn {
                        op: sqlparser::ast::AlterColumnOperation::SetDefault { value },
                        ..
                    } => expr(value, f),
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::Check(c),
                        ..
                    } => expr(&c.expr, f),
                    _ => {}
                }
            }
        }
        Statement::CreateTable(ct) => {
            for c in &ct.columns {
                column_exprs(&c.options, f);
            }
            for c in &ct.constraints {
                if let TableConstraint::Check(c) = c {
                    expr(&c.expr, f);
                }
            }
            if let Some(q) = &ct.query {
                query_exprs(q, f);
            }
        }
        Statement::CreateIndex(ci) => {
            if let Some(p) = &ci.predicate {
                expr(p, f);
            }
        }
        _ => {}
    }
}

fn column_exprs(options: &[ColumnOptionDef], f: &mut dyn FnMut(&Expr)) {
    for o in options {
        match &o.option {
            ColumnOption::Default(e) => expr(e, f),
            ColumnOption::Check(c) => expr(&c.expr, f),
            _ => {}
        }
    }
}

fn query_exprs(q: &Query, f: &mut dyn FnMut(&Expr)) {
    if let Some(with) = &q.with {
        for cte in &with.cte_tables {
            query_exprs(&cte.query, f);
        }
    }
    set_exprs(&q.body, f);
}

fn set_exprs(body: &SetExpr, f: &mut dyn FnMut(&Expr)) {
    match body {
        SetExpr::Select(s) => {
            for item in &s.projection {
                match item {
                    SelectItem::UnnamedExpr(e)
                    | SelectItem::ExprWithAlias { expr: e, .. }
                    | SelectItem::ExprWithAliases { expr: e, .. } => expr(e, f),
                    _ => {}
                }
            }
            if let Some(e) = &s.selection {
                expr(e, f);
            }
            if let Some(e) = &s.having {
                expr(e, f);
            }
        }
        SetExpr::Query(q) => query_exprs(q, f),
        SetExpr::SetOperation { left, right, .. } => {
            set_exprs(left, f);
            set_exprs(right, f);
        }
        SetExpr::Values(v) => {
            for row in &v.rows {
                for e in &row.content {
                    expr(e, f);
                }
            }
        }
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => statement_exprs(s, f),
        _ => {}
    }
}

/// Walks an expression and the expressions inside it (the common forms;
/// exotic ones are not entered).
fn expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match e {
        Expr::IsFalse(x)
        | Expr::IsNotFalse(x)
        | Expr::IsTrue(x)
        | Expr::IsNotTrue(x)
        | Expr::IsNull(x)
        | Expr::IsNotNull(x)
        | Expr::IsUnknown(x)
        | Expr::IsNotUnknown(x)
        | Expr::Nested(x)
        | Expr::UnaryOp { expr: x, .. }
        | Expr::Cast { expr: x, .. }
        | Expr::Collate { expr: x, .. } => expr(x, f),
        Expr::IsDistinctFrom(a, b)
        | Expr::IsNotDistinctFrom(a, b)
        | Expr::BinaryOp {
            left: a, right: b, ..
        }
        | Expr::AnyOp {
            left: a, right: b, ..
        }
        | Expr::AllOp {
            left: a, right: b, ..
        }
        | Expr::Like {
            expr: a,
            pattern: b,
            ..
        }
        | Expr::ILike {
            expr: a,
            pattern: b,
            ..
        } => {
            expr(a, f);
            expr(b, f);
        }
        Expr::Between {
            expr: x, low, high, ..
        } => {
            expr(x, f);
            expr(low, f);
            expr(high, f);
        }
        Expr::In {
            expr: x, target, ..
        } => {
            expr(x, f);
            match target {
                InTarget::List(list) => list.iter().for_each(|e| expr(e, f)),
                InTarget::Subquery(q) => query_exprs(q, f),
                InTarget::Unnest(u) => expr(u, f),
                _ => {}
            }
        }
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            if let Some(o) = operand {
                expr(o, f);
            }
            for w in conditions {
                expr(&w.condition, f);
                expr(&w.result, f);
            }
            if let Some(e) = else_result {
                expr(e, f);
            }
        }
        Expr::Function(func) => {
            if let FunctionArguments::List(list) = &func.args {
                for a in &list.args {
                    let (FunctionArg::Unnamed(arg)
                    | FunctionArg::Named { arg, .. }
                    | FunctionArg::ExprNamed { arg, .. }) = a;
                    if let FunctionArgExpr::Expr(x) = arg {
                        expr(x, f);
                    }
                }
            }
        }
        Expr::Tuple(list) => list.iter().for_each(|e| expr(e, f)),
        Expr::Array(a) => a.elem.iter().for_each(|e| expr(e, f)),
        Expr::Exists { subquery: q, .. } | Expr::Subquery(q) => query_exprs(q, f),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_columns_in_any_order_cover() {
        let k = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(covers(&k(&["user_id"]), &k(&["user_id"])));
        assert!(covers(&k(&["b", "a", "c"]), &k(&["a", "b"])));
        assert!(covers(&k(&["\"userid\""]), &k(&["UserId"])));
        assert!(!covers(&k(&["a"]), &k(&["a", "b"])));
        assert!(!covers(&k(&["c", "a"]), &k(&["a"])));
        assert!(!covers(&k(&["a"]), &[]));
    }

    #[test]
    fn default_names_follow_postgres() {
        assert_eq!(
            default_fk_name("orders", &["user_id".into()]).as_deref(),
            Some("orders_user_id_fkey")
        );
        assert_eq!(default_fk_name(&"t".repeat(60), &["col".into()]), None);
    }
}
