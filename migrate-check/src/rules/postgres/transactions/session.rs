//! What a PostgreSQL session is doing at a point of a section, read from
//! the statements before it: whether a `BEGIN` is open, whether a timeout
//! is in effect, and which statements queue for a lock that blocks traffic.
//!
//! Stricter than the shared section state where these rules need it:
//! `ROLLBACK TO SAVEPOINT` and `COMMIT AND CHAIN` do not end a transaction,
//! `SET LOCAL` only lasts until the end of its transaction (and does nothing
//! outside one), a timeout of `0` is no timeout, `RESET` clears it.

use sqlparser::ast::{
    ContextModifier, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, ObjectName, ObjectType,
    Reset, SelectItem, Set, SetExpr, Statement, Value,
};

use crate::locks::{self, TableLock};
use crate::model::object;
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

/// Which timeout setting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Timeout {
    /// `lock_timeout`.
    Lock,
    /// `statement_timeout`.
    Statement,
}

impl Timeout {
    pub(super) fn name(self) -> &'static str {
        match self {
            Timeout::Lock => "lock_timeout",
            Timeout::Statement => "statement_timeout",
        }
    }
}

/// The position of the first statement of the section that waits for (or
/// holds) a traffic-blocking lock on an existing table while no `timeout`
/// is in effect, up to and including the current statement.
pub(super) fn first_unprotected(ctx: &Ctx<'_>, timeout: Timeout) -> Option<usize> {
    let name = timeout.name();
    let mut in_tx = ctx.runner_transaction;
    let mut session = false;
    let mut session_at_begin = false;
    let mut local: Option<bool> = None;
    for (i, s) in ctx.statements[..=ctx.position].iter().enumerate() {
        if !local.unwrap_or(session) && blocking_lock(ctx, s).is_some() {
            return Some(i);
        }
        match s.ast() {
            Some(Statement::StartTransaction { .. }) if !in_tx => {
                in_tx = true;
                session_at_begin = session;
            }
            Some(Statement::Commit { chain, .. }) => {
                local = None;
                in_tx = *chain;
                session_at_begin = session;
            }
            Some(Statement::Rollback {
                chain,
                savepoint: None,
            }) => {
                // A rolled-back transaction takes its SETs with it.
                local = None;
                session = session_at_begin;
                in_tx = *chain;
            }
            Some(ast) => {
                for (setting, value, is_local) in settings(ast) {
                    if setting != name {
                        continue;
                    }
                    match (is_local, in_tx) {
                        // SET LOCAL outside a transaction block has no effect.
                        (true, false) => {}
                        (true, true) => local = Some(value),
                        (false, _) => {
                            session = value;
                            local = None;
                        }
                    }
                }
            }
            None => {}
        }
        if !in_tx {
            // Autocommit: anything local ended with the statement.
            local = None;
            session_at_begin = session;
        }
    }
    None
}

/// The settings a statement changes: (name, whether it is now a non-zero
/// timeout, whether the change is local to the transaction).
fn settings(ast: &Statement) -> Vec<(String, bool, bool)> {
    match ast {
        Statement::Set(Set::SingleAssignment {
            scope,
            variable,
            values,
            ..
        }) => {
            let is_local = *scope == Some(ContextModifier::Local);
            vec![(
                setting_name(variable),
                values.first().is_some_and(nonzero),
                is_local,
            )]
        }
        Statement::Set(Set::MultipleAssignments { assignments }) => assignments
            .iter()
            .map(|a| {
                let is_local = a.scope == Some(ContextModifier::Local);
                (setting_name(&a.name), nonzero(&a.value), is_local)
            })
            .collect(),
        Statement::Reset(r) => match &r.reset {
            Reset::ConfigurationParameter(n) => vec![(setting_name(n), false, false)],
            Reset::ALL => ["lock_timeout", "statement_timeout"]
                .iter()
                .map(|n| (n.to_string(), false, false))
                .collect(),
            _ => Vec::new(),
        },
        // SELECT set_config('lock_timeout', '2s', is_local)
        Statement::Query(q) => {
            let SetExpr::Select(select) = q.body.as_ref() else {
                return Vec::new();
            };
            select
                .projection
                .iter()
                .filter_map(|item| match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        set_config(e)
                    }
                    _ => None,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn setting_name(name: &ObjectName) -> String {
    object(name)
}

fn set_config(e: &Expr) -> Option<(String, bool, bool)> {
    let Expr::Function(f) = e else { return None };
    if !object(&f.name).eq_ignore_ascii_case("set_config") {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let args: Vec<&Expr> = list
        .args
        .iter()
        .filter_map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect();
    let [name, value, is_local] = args[..] else {
        return None;
    };
    let Expr::Value(v) = name else { return None };
    let Value::SingleQuotedString(name) = &v.value else {
        return None;
    };
    let is_local = matches!(is_local, Expr::Value(v) if v.value == Value::Boolean(true));
    Some((name.to_lowercase(), nonzero(value), is_local))
}

/// Whether a timeout value is set to something other than 0 / DEFAULT.
fn nonzero(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse::<f64>() != Ok(0.0),
            Value::SingleQuotedString(s) => {
                let digits: String = s
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                digits.is_empty() || digits.parse::<f64>() != Ok(0.0)
            }
            Value::Null => false,
            _ => true,
        },
        // SET x TO DEFAULT: the default timeouts are 0 (none).
        Expr::Identifier(i) => !i.value.eq_ignore_ascii_case("DEFAULT"),
        _ => true,
    }
}

/// The strongest lock of at least SHARE (one that blocks writes) the
/// statement requests on a table that existed before this migration, and
/// that it waits for (`LOCK … NOWAIT` does not wait).
pub(super) fn blocking_lock(ctx: &Ctx<'_>, stmt: &Stmt) -> Option<TableLock> {
    if matches!(stmt.ast(), Some(Statement::Lock(l)) if l.nowait) {
        return None;
    }
    // Dropping an index this migration created (a down reversing its up)
    // is the normal way back, not a hazard.
    if let Some(Statement::Drop {
        object_type: ObjectType::Index,
        names,
        ..
    }) = stmt.ast()
        && names.iter().all(|n| {
            ctx.schema
                .index(&crate::model::object(n))
                .is_some_and(|i| i.created_in == ctx.migration)
        })
    {
        return None;
    }
    locks::locks(stmt, ctx.schema)
        .into_iter()
        .filter(|l| l.mode.blocks_writes() && !ctx.is_new_table(&l.table))
        .max_by_key(|l| l.mode)
}

/// The check shared by `require-lock-timeout` and `require-statement-timeout`:
/// reports the first statement of the section that takes a traffic-blocking
/// lock on an existing table while `timeout` is not set.
pub(super) fn check_timeout(
    ctx: &Ctx<'_>,
    stmt: &Stmt,
    out: &mut crate::rules::Findings,
    timeout: Timeout,
) {
    let Some(lock) = blocking_lock(ctx, stmt) else {
        return;
    };
    if first_unprotected(ctx, timeout) != Some(ctx.position) {
        return;
    }
    let (table, mode, name) = (&lock.table, lock.mode, timeout.name());
    let label = match timeout {
        Timeout::Lock => format!(
            "waits for {mode} on `{table}` with no {name}: every later query on `{table}` queues behind it"
        ),
        Timeout::Statement => format!(
            "holds {mode} on `{table}` with no {name}: nothing bounds how long it blocks {}",
            mode.blocks()
        ),
    };
    out.report(
        format!("{mode} on existing table `{table}` with no `{name}` set earlier in this section"),
        label,
    );
}
