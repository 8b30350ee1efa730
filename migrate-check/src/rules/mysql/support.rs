//! What the MySQL rules share: the target server, and every action of an
//! `ALTER TABLE` on an existing table with its cost from [`crate::mysql_ddl`]
//! (parsed actions and the table options recognized at token level alike).

use std::ops::Range;

use sqlparser::ast::{AlterTableOperation, Expr, Set, Statement, Value};

use crate::mysql_ddl::{Cost, Target, alter_costs, option_cost};
use crate::rules::Ctx;
use crate::statement::{Recognized, Stmt};

pub(crate) use crate::rules::postgres::support::ident_span;

/// The server the section must be safe on.
pub(crate) fn target(ctx: &Ctx<'_>) -> Target {
    Target::new(ctx.mariadb, ctx.version)
}

/// One action of an `ALTER TABLE` and what it costs.
pub(crate) struct Action {
    /// Its cost on the target.
    pub cost: Cost,
    /// Where to point (the column or option), when known.
    pub span: Option<Range<usize>>,
}

/// The table an `ALTER TABLE` changes and its actions, when the statement is
/// one — on an existing table only (a table created earlier in this
/// migration is exempt: nobody else uses it yet).
pub(crate) fn actions(ctx: &Ctx<'_>, stmt: &Stmt) -> Option<(String, Vec<Action>)> {
    let fk_off = foreign_key_checks_off(ctx);
    let (table, mut out, clause) = match (stmt.ast(), stmt.recognized()) {
        (Some(Statement::AlterTable(at)), rec) => {
            let table = crate::model::object(&at.name);
            let t = ctx.schema.table(&table);
            let out: Vec<Action> = alter_costs(&at.operations, t, target(ctx), fk_off)
                .into_iter()
                .map(|(i, cost)| {
                    let span = op_ident(&at.operations[i]).and_then(|id| ident_span(ctx, stmt, id));
                    Action { cost, span }
                })
                .collect();
            let clause = match rec {
                Some(Recognized::WithClause { clause, .. }) => Some(clause.as_str()),
                _ => None,
            };
            (table, out, clause)
        }
        (None, Some(Recognized::TableOptions { table, clause })) => (
            crate::model::object_text(table),
            Vec::new(),
            Some(clause.as_str()),
        ),
        _ => return None,
    };
    if ctx.is_new_table(&table) {
        return None;
    }
    for word in clause.map(option_words).unwrap_or_default() {
        // `ALGORITHM=…` and `LOCK=…` assert how the server must run the
        // other actions: they change nothing themselves.
        if matches!(word.as_str(), "ALGORITHM" | "LOCK") {
            continue;
        }
        out.push(Action {
            cost: option_cost(&word),
            span: None,
        });
    }
    Some((table, out))
}

/// The first word of each top-level, comma-separated table option of a
/// recognized clause (`ENGINE = INNODB , ROW_FORMAT = DYNAMIC` → ENGINE, ROW_FORMAT).
pub(crate) fn option_words(clause: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut depth = 0i32;
    let mut expect = true;
    for tok in clause.split_whitespace() {
        match tok {
            "(" => depth += 1,
            ")" => depth -= 1,
            "," if depth == 0 => expect = true,
            w if expect && depth == 0 => {
                words.push(w.to_ascii_uppercase());
                expect = false;
            }
            _ => {}
        }
    }
    words
}

/// The identifier an action is about, to point at it.
fn op_ident(op: &AlterTableOperation) -> Option<&sqlparser::ast::Ident> {
    use AlterTableOperation as Op;
    match op {
        Op::AddColumn { column_def, .. } => Some(&column_def.name),
        Op::ModifyColumn { col_name, .. } => Some(col_name),
        Op::ChangeColumn { old_name, .. } => Some(old_name),
        Op::DropColumn { column_names, .. } => column_names.first(),
        Op::AlterColumn { column_name, .. } => Some(column_name),
        _ => None,
    }
}

/// Whether an earlier statement of the section turned `foreign_key_checks` off
/// (and none turned it back on).
pub(crate) fn foreign_key_checks_off(ctx: &Ctx<'_>) -> bool {
    let mut off = false;
    for s in &ctx.statements[..ctx.position] {
        let Some(Statement::Set(set)) = s.ast() else {
            continue;
        };
        let pairs: Vec<(String, &Expr)> = match set {
            Set::SingleAssignment {
                variable, values, ..
            } => values
                .first()
                .map(|v| vec![(variable.to_string(), v)])
                .unwrap_or_default(),
            Set::MultipleAssignments { assignments } => assignments
                .iter()
                .map(|a| (a.name.to_string(), &a.value))
                .collect(),
            _ => continue,
        };
        for (name, value) in pairs {
            let name = name.to_ascii_lowercase();
            if name.trim_start_matches("@@").trim_start_matches("session.") != "foreign_key_checks"
            {
                continue;
            }
            off = match value {
                Expr::Value(v) => match &v.value {
                    Value::Number(n, _) => n == "0",
                    Value::Boolean(b) => !b,
                    _ => false,
                },
                Expr::Identifier(i) => i.value.eq_ignore_ascii_case("OFF"),
                _ => false,
            };
        }
    }
    off
}

/// Reports each action of an `ALTER TABLE` on an existing table that
/// `select` picks (it returns the message and the label), pointing at the
/// action's column when known, with the cost as the lock line.
pub(crate) fn report_actions(
    ctx: &Ctx<'_>,
    stmt: &Stmt,
    out: &mut crate::rules::Findings,
    select: impl Fn(&str, &Action) -> Option<(String, String)>,
) {
    let Some((table, acts)) = actions(ctx, stmt) else {
        return;
    };
    let mut seen = Vec::new();
    for a in &acts {
        if let Some((message, label)) = select(&table, a) {
            // One finding per kind of problem per statement
            // (`DROP PRIMARY KEY, ADD PRIMARY KEY (…)` is one change).
            if seen.contains(&message) {
                continue;
            }
            seen.push(message.clone());
            let f = out.report(message, label);
            f.span = a.span.clone();
            f.lock = Some(a.cost.describe());
        }
    }
}
