//! What the PostgreSQL rule groups share: the server versions the rules
//! branch on, reading an `ALTER TABLE`, pointing at one identifier, and
//! reading back the expressions the schema model stores as text.

use std::ops::Range;

use sqlparser::ast::{AlterTable, BinaryOperator, Expr, Ident, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::config::ServerVersion;
use crate::model::{ConstraintKind, Table, ident, object};
use crate::rules::Ctx;
use crate::statement::Stmt;

/// PostgreSQL 11: constant defaults are metadata-only.
pub(crate) const PG11: ServerVersion = ServerVersion::new(11, 0, 0);
/// PostgreSQL 12: `SET NOT NULL` trusts a validated `CHECK (c IS NOT NULL)`,
/// `REINDEX CONCURRENTLY`, `ALTER TYPE … ADD VALUE` in a transaction.
pub(crate) const PG12: ServerVersion = ServerVersion::new(12, 0, 0);
/// PostgreSQL 14: `DETACH PARTITION … CONCURRENTLY`.
pub(crate) const PG14: ServerVersion = ServerVersion::new(14, 0, 0);
/// PostgreSQL 14.4: the concurrent index build corruption bug is fixed.
pub(crate) const PG14_4: ServerVersion = ServerVersion::new(14, 4, 0);
/// PostgreSQL 18: `NOT NULL … NOT VALID`, virtual generated columns.
pub(crate) const PG18: ServerVersion = ServerVersion::new(18, 0, 0);
/// PostgreSQL 19: `REPACK [CONCURRENTLY]` replaces VACUUM FULL and CLUSTER.
pub(crate) const PG19: ServerVersion = ServerVersion::new(19, 0, 0);

/// The `ALTER TABLE` a statement is, with its normalized table name.
pub(crate) fn alter_table(stmt: &Stmt) -> Option<(&AlterTable, String)> {
    match stmt.ast()? {
        Statement::AlterTable(at) => Some((at, object(&at.name))),
        _ => None,
    }
}

/// The byte range of an identifier of the statement, to point at one part
/// of a multi-action statement; `None` (the whole statement) when the parser
/// kept no usable location for it.
pub(crate) fn ident_span(ctx: &Ctx<'_>, stmt: &Stmt, name: &Ident) -> Option<Range<usize>> {
    let (start, end) = (name.span.start, name.span.end);
    if start.line == 0 || end.line == 0 {
        return None;
    }
    let s = ctx.file.offset(start.line, start.column);
    let e = ctx.file.offset(end.line, end.column);
    (stmt.span.start <= s && s < e && e <= stmt.span.end).then_some(s..e)
}

/// An expression as the model stores it (`Display` of the AST), parsed back.
pub(crate) fn parse_expr(text: &str) -> Option<Expr> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_expr()
        .ok()
}

/// Whether a CHECK expression implies `column IS NOT NULL` the way
/// PostgreSQL recognizes it: the test itself, or one side of an AND.
pub(crate) fn proves_not_null(e: &Expr, column: &str) -> bool {
    match e {
        Expr::Nested(x) => proves_not_null(x, column),
        Expr::IsNotNull(x) => is_column(x, column),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => proves_not_null(left, column) || proves_not_null(right, column),
        _ => false,
    }
}

fn is_column(e: &Expr, column: &str) -> bool {
    match e {
        Expr::Nested(x) => is_column(x, column),
        Expr::Identifier(i) => ident(i) == column,
        Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|i| ident(i) == column),
        _ => false,
    }
}

/// Whether a validated CHECK of the table proves the column NOT NULL.
pub(crate) fn proven_not_null(table: &Table, column: &str) -> bool {
    table.constraints.iter().any(|c| {
        c.validated
            && matches!(&c.kind, ConstraintKind::Check(e) if parse_expr(e).is_some_and(|e| proves_not_null(&e, column)))
    })
}
