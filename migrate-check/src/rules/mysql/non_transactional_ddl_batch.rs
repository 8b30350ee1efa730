//! `non-transactional-ddl-batch`: several DDL statements in one MySQL
//! section, which cannot be applied all-or-nothing.

use sqlparser::ast::{ObjectType, Statement};

use crate::config::Level;
use crate::model::{object, object_text};
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "non-transactional-ddl-batch",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "several DDL statements in one MySQL migration are not atomic",
    explanation: "MySQL and MariaDB commit every DDL statement implicitly, before and after it: a migration's transaction cannot hold two of them. When the third of five statements fails, the first two stay applied, the history table does not record the migration, and neither re-running the up (its first statements now fail: the column exists) nor running the down (it undoes statements that never ran) works without hand repair. Reported as an error when at least one statement changes or drops an object that existed before the migration; as a warning when they only create new objects — a failure then leaves only new, unused objects behind and the runner, which applies MySQL migrations statement by statement, can resume — or when every statement is guarded with `IF [NOT] EXISTS`, so that the migration can simply be run again.",
    lock: "",
    safe_alternative: "one DDL statement per migration (several actions on one table fit in one `ALTER TABLE … , …`), or make each statement idempotent (`CREATE TABLE IF NOT EXISTS`, `DROP … IF EXISTS`, MariaDB `ADD COLUMN IF NOT EXISTS`) so that a failed migration can be re-run",
    equivalents: "gap (Atlas notes partial migration failures on MySQL: no transactional DDL)",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_tracking.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN tracking_code varchar(40); -- expect: non-transactional-ddl-batch
CREATE INDEX orders_tracking_idx ON orders (tracking_code) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_tracking_idx ON orders;
ALTER TABLE orders DROP COLUMN tracking_code;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_tracking.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN tracking_code varchar(40), ADD INDEX orders_tracking_idx (tracking_code);
-- migrate:down
ALTER TABLE orders DROP INDEX orders_tracking_idx, DROP COLUMN tracking_code;
",
    }],
    check: Some(check),
};

/// What a DDL statement does to objects: the tables it changes or drops
/// (`""` for an index whose table is not named), or nothing but creating.
pub(crate) enum Ddl {
    /// Creates new objects (or drops views, triggers, routines).
    Creates,
    /// Changes or drops these tables.
    Touches(Vec<String>),
}

/// The statement as DDL, `None` when it is not DDL (DML, SET, …).
pub(crate) fn ddl(stmt: &Stmt) -> Option<Ddl> {
    if let Some(r) = stmt.recognized() {
        return match r {
            Recognized::TableOptions { table, .. } => Some(Ddl::Touches(vec![object_text(table)])),
            Recognized::OptimizeTable { tables } => Some(Ddl::Touches(
                tables.iter().map(|t| object_text(t)).collect(),
            )),
            Recognized::WithClause { statement, .. } => ddl_ast(statement),
            _ => None,
        };
    }
    ddl_ast(stmt.ast()?)
}

fn ddl_ast(ast: &Statement) -> Option<Ddl> {
    Some(match ast {
        Statement::CreateTable(_)
        | Statement::CreateView(_)
        | Statement::CreateTrigger(_)
        | Statement::CreateFunction(_)
        | Statement::CreateProcedure { .. } => Ddl::Creates,
        Statement::CreateIndex(ci) => Ddl::Touches(vec![object(&ci.table_name)]),
        Statement::AlterTable(at) => Ddl::Touches(vec![object(&at.name)]),
        Statement::RenameTable(r) => Ddl::Touches(r.iter().map(|r| object(&r.old_name)).collect()),
        Statement::Truncate(t) => {
            Ddl::Touches(t.table_names.iter().map(|t| object(&t.name)).collect())
        }
        Statement::Drop {
            object_type,
            names,
            table,
            ..
        } => match object_type {
            ObjectType::Table => Ddl::Touches(names.iter().map(object).collect()),
            // DROP INDEX i ON t: the table is what changes.
            ObjectType::Index => Ddl::Touches(vec![table.as_ref().map(object).unwrap_or_default()]),
            _ => Ddl::Creates,
        },
        Statement::DropTrigger(_)
        | Statement::DropFunction(_)
        | Statement::DropProcedure { .. } => Ddl::Creates,
        _ => return None,
    })
}

/// Whether a DDL statement can run twice: `IF [NOT] EXISTS` on the object
/// (and MariaDB's guards inside every action of an ALTER TABLE).
fn guarded(stmt: &Stmt) -> bool {
    if let Some(Recognized::WithClause { clause, .. }) = stmt.recognized()
        && clause == "IF EXISTS"
    {
        return true;
    }
    match stmt.ast() {
        Some(Statement::CreateTable(ct)) => ct.if_not_exists || ct.or_replace,
        Some(Statement::CreateIndex(ci)) => ci.if_not_exists,
        Some(Statement::CreateView(v)) => v.or_replace || v.if_not_exists,
        Some(Statement::Drop { if_exists, .. }) => *if_exists,
        _ => false,
    }
}

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(_) = ddl(stmt) else { return };
    // Reported once, at the first DDL statement of the section: the schema
    // is then the one before the batch, so what existed is still known.
    if ctx.statements[..ctx.position]
        .iter()
        .any(|s| ddl(s).is_some())
    {
        return;
    }
    let all: Vec<(usize, Ddl)> = ctx
        .statements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| ddl(s).map(|d| (i, d)))
        .collect();
    // Tables this migration creates (earlier migrations' tables, and tables
    // the model does not know, existed before it).
    // (A table renamed in the section keeps its status under its new name.)
    let created_here: Vec<String> = ctx
        .statements
        .iter()
        .flat_map(|s| match s.ast() {
            Some(Statement::CreateTable(ct)) => vec![object(&ct.name)],
            Some(Statement::RenameTable(r)) => r
                .iter()
                .filter(|r| ctx.is_new_table(&object(&r.old_name)))
                .map(|r| object(&r.new_name))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let existing = |t: &String| {
        if t.is_empty() {
            return true;
        }
        !(ctx.is_new_table(t) || created_here.contains(t))
    };
    let touched: Vec<&String> = all
        .iter()
        .filter_map(|(_, d)| match d {
            Ddl::Touches(ts) => Some(ts.iter().filter(|t| existing(t))),
            Ddl::Creates => None,
        })
        .flatten()
        .collect();
    let n = all.len();
    if n < 2 {
        return;
    }
    // Every statement guarded (`IF [NOT] EXISTS`): a failed run can be
    // repeated, so what remains is a warning.
    let rerunnable = ctx
        .statements
        .iter()
        .filter(|s| ddl(s).is_some())
        .all(guarded);
    let f = if let Some(t) = touched.first().filter(|_| !rerunnable) {
        let what = if t.is_empty() {
            "an existing index".to_string()
        } else {
            format!("existing table `{t}`")
        };
        out.report(
            format!("{n} DDL statements in one MySQL migration, changing {what}: each commits on its own"),
            format!("first of {n}: a failure of a later one leaves this one applied and the migration unrecorded"),
        )
    } else {
        let f = out.report(
            format!("{n} DDL statements in one MySQL migration: each commits on its own"),
            format!("first of {n}: a failure of a later one leaves the new objects behind"),
        );
        f.warning_only = true;
        f
    };
    f.notes.push(
        "MySQL cannot roll DDL back: the down section cannot assume that all or none of the up ran"
            .into(),
    );
}
