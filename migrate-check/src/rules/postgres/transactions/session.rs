//! What a PostgreSQL session is doing at a point of a section, read from
//! the statements before it: whether a `BEGIN` is open.
//!
//! Stricter than the shared section state where these rules need it:
//! `ROLLBACK TO SAVEPOINT` and `COMMIT AND CHAIN` do not end a transaction.

use sqlparser::ast::Statement;

use crate::rules::Ctx;
use crate::statement::Stmt;

/// `BEGIN` / `START TRANSACTION`.
pub(super) fn begins_transaction(stmt: &Stmt) -> bool {
    matches!(stmt.ast(), Some(Statement::StartTransaction { .. }))
}

/// `COMMIT` / `END` / `ROLLBACK` / `ABORT` that leave no transaction open
/// (not `… AND CHAIN`, not `ROLLBACK TO SAVEPOINT`).
pub(super) fn ends_transaction(stmt: &Stmt) -> bool {
    matches!(
        stmt.ast(),
        Some(
            Statement::Commit { chain: false, .. }
                | Statement::Rollback {
                    chain: false,
                    savepoint: None
                }
        )
    )
}

/// `COMMIT`/`ROLLBACK` in any form that ends the current transaction,
/// chained or not (`ROLLBACK TO SAVEPOINT` excluded).
pub(super) fn terminates_transaction(stmt: &Stmt) -> bool {
    matches!(
        stmt.ast(),
        Some(
            Statement::Commit { .. }
                | Statement::Rollback {
                    savepoint: None,
                    ..
                }
        )
    )
}

/// Position of the explicit `BEGIN` still open before the current statement,
/// if any. Inside a section the runner wraps, a `BEGIN` opens nothing (the
/// server only warns), but it is tracked the same way: it is what the
/// author meant.
pub(super) fn open_begin(ctx: &Ctx<'_>) -> Option<usize> {
    let mut open = None;
    for (i, s) in ctx.statements[..ctx.position].iter().enumerate() {
        if begins_transaction(s) {
            open.get_or_insert(i);
        } else if ends_transaction(s) {
            open = None;
        }
    }
    open
}
