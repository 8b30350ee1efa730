//! Helpers the column rules share: the `ALTER TABLE` of a statement, spans
//! of identifiers, and reading back the expressions and types the schema
//! model stores as text.

use sqlparser::ast::{DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::model::{Constraint, ConstraintKind, ident};

pub(super) use super::super::support::{PG11, PG12, PG18, alter_table, ident_span, parse_expr};

/// A column type as the model stores it (upper-cased `Display`), parsed back.
pub(super) fn parse_type(text: &str) -> Option<DataType> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_data_type()
        .ok()
}

/// The direct sub-expressions of an expression; `None` for the shapes this
/// walk does not take apart (subqueries, dialect oddities).
pub(super) fn children(e: &Expr) -> Option<Vec<&Expr>> {
    Some(match e {
        Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Value(_)
        | Expr::TypedString(_)
        | Expr::Wildcard(_)
        | Expr::QualifiedWildcard(..) => Vec::new(),
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
        | Expr::Collate { expr: x, .. }
        | Expr::Extract { expr: x, .. }
        | Expr::Ceil { expr: x, .. }
        | Expr::Floor { expr: x, .. }
        | Expr::IsJson { expr: x, .. }
        | Expr::IsNormalized { expr: x, .. }
        | Expr::Named { expr: x, .. }
        | Expr::Prefixed { value: x, .. } => vec![x.as_ref()],
        Expr::IsDistinctFrom(l, r)
        | Expr::IsNotDistinctFrom(l, r)
        | Expr::BinaryOp {
            left: l, right: r, ..
        }
        | Expr::AnyOp {
            left: l, right: r, ..
        }
        | Expr::AllOp {
            left: l, right: r, ..
        }
        | Expr::AtTimeZone {
            timestamp: l,
            time_zone: r,
        }
        | Expr::Position { expr: l, r#in: r }
        | Expr::RLike {
            expr: l,
            pattern: r,
            ..
        } => vec![l.as_ref(), r.as_ref()],
        Expr::Like {
            expr,
            pattern,
            escape_char,
            ..
        }
        | Expr::ILike {
            expr,
            pattern,
            escape_char,
            ..
        }
        | Expr::SimilarTo {
            expr,
            pattern,
            escape_char,
            ..
        } => [Some(expr), Some(pattern), escape_char.as_ref()]
            .into_iter()
            .flatten()
            .map(Box::as_ref)
            .collect(),
        Expr::Between {
            expr, low, high, ..
        } => vec![expr.as_ref(), low.as_ref(), high.as_ref()],
        Expr::In {
            expr,
            target: InTarget::List(list),
            ..
        } => std::iter::once(expr.as_ref()).chain(list).collect(),
        Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => [Some(expr), substring_from.as_ref(), substring_for.as_ref()]
            .into_iter()
            .flatten()
            .map(Box::as_ref)
            .collect(),
        Expr::Trim {
            expr,
            trim_what,
            trim_characters,
            ..
        } => std::iter::once(expr.as_ref())
            .chain(trim_what.as_ref().map(Box::as_ref))
            .chain(trim_characters.iter().flatten())
            .collect(),
        Expr::Overlay {
            expr,
            overlay_what,
            overlay_from,
            overlay_for,
        } => [
            Some(expr),
            Some(overlay_what),
            Some(overlay_from),
            overlay_for.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(Box::as_ref)
        .collect(),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => operand
            .as_ref()
            .map(Box::as_ref)
            .into_iter()
            .chain(conditions.iter().flat_map(|w| [&w.condition, &w.result]))
            .chain(else_result.as_ref().map(Box::as_ref))
            .collect(),
        Expr::Tuple(items) => items.iter().collect(),
        Expr::Array(a) => a.elem.iter().collect(),
        Expr::Function(f) => {
            let FunctionArguments::List(list) = &f.args else {
                return match f.args {
                    FunctionArguments::None => Some(Vec::new()),
                    _ => None,
                };
            };
            let mut out = Vec::new();
            for a in &list.args {
                let arg = match a {
                    FunctionArg::Named { arg, .. }
                    | FunctionArg::ExprNamed { arg, .. }
                    | FunctionArg::Unnamed(arg) => arg,
                };
                if let FunctionArgExpr::Expr(x) = arg {
                    out.push(x);
                }
            }
            out
        }
        _ => return None,
    })
}

/// Whether an expression mentions the column (normalized name). Shapes the
/// walk does not take apart are read token by token: an identifier token
/// with the column's name counts, so an unusual expression is never taken
/// for one that leaves the column alone.
pub(super) fn references(e: &Expr, column: &str) -> bool {
    match e {
        Expr::Identifier(i) => ident(i) == column,
        Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|i| ident(i) == column),
        _ => match children(e) {
            Some(kids) => kids.into_iter().any(|k| references(k, column)),
            None => {
                let text = e.to_string();
                let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, &text).tokenize() else {
                    return true;
                };
                tokens.iter().any(|t| match t {
                    Token::Word(w) => {
                        let name = if w.quote_style.is_some() {
                            w.value.clone()
                        } else {
                            w.value.to_lowercase()
                        };
                        name == column
                    }
                    _ => false,
                })
            }
        },
    }
}

/// The columns an expression names, in order, without repeats; `None` when
/// it has a shape the walk does not take apart.
fn columns_of(e: &Expr, out: &mut Vec<String>) -> Option<()> {
    let name = match e {
        Expr::Identifier(i) => Some(ident(i)),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident),
        _ => None,
    };
    if let Some(n) = name {
        if !out.contains(&n) {
            out.push(n);
        }
        return Some(());
    }
    for k in children(e)? {
        columns_of(k, out)?;
    }
    Some(())
}

/// A constraint's name: the one it was given, or for an unnamed CHECK the
/// one PostgreSQL chose (`<table>_<column>_check` when the expression names
/// one column, `<table>_check` otherwise), which is what a later
/// `DROP CONSTRAINT` names.
pub(super) fn constraint_name(c: &Constraint, table: &str) -> Option<String> {
    if let Some(n) = &c.name {
        return Some(n.clone());
    }
    let ConstraintKind::Check(text) = &c.kind else {
        return None;
    };
    let mut cols = Vec::new();
    let one = parse_expr(text)
        .and_then(|e| columns_of(&e, &mut cols))
        .filter(|()| cols.len() == 1)
        .map(|()| cols[0].clone());
    Some(match one {
        Some(col) => format!("{table}_{col}_check"),
        None => format!("{table}_check"),
    })
}

/// Whether an expression is `NULL`, possibly cast (`NULL::text`) or in parentheses.
pub(super) fn is_null(e: &Expr) -> bool {
    use sqlparser::ast::Value;
    match e {
        Expr::Value(v) => matches!(v.value, Value::Null),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => is_null(expr),
        _ => false,
    }
}

#[cfg(test)]
pub(super) mod testing {
    //! Running the checker on example-like text at a chosen PostgreSQL version.

    use crate::{Config, Dialect, Input, Report, Severity, check::check_with_syntax as check};

    /// Checks files written like the rule examples (`-- file: NAME` lines).
    pub fn run(version: &str, text: &str) -> Report {
        let (entries, _) = crate::rules::tests::example_files(text);
        check(Input {
            entries,
            display_dir: String::new(),
            config: Config {
                dialect: Dialect::Postgres,
                postgres_version: version.parse().unwrap(),
                ..Default::default()
            },
            config_source: None,
        })
    }

    /// Two migrations: `setup` (0001), then `up` (0002), both irreversible.
    pub fn two(version: &str, setup: &str, up: &str) -> Report {
        run(
            version,
            &format!(
                "-- file: 0001_setup.sql\n-- migrate:up\n{setup}\n-- migrate:irreversible: test setup\n-- file: 0002_change.sql\n-- migrate:up\n{up}\n-- migrate:irreversible: test\n"
            ),
        )
    }

    /// Where `rule` reported: (file, line, severity).
    pub fn hits(report: &Report, rule: &str) -> Vec<(String, u32, Severity)> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| (report.files[d.file].rel_path.clone(), d.line, d.severity))
            .collect()
    }

    /// Whether `rule` reported in migration 0002.
    pub fn fires(report: &Report, rule: &str) -> bool {
        hits(report, rule)
            .iter()
            .any(|(f, _, _)| f == "0002_change.sql")
    }

    /// The rendered report, for assertion messages.
    pub fn shown(report: &Report) -> String {
        report.render(false)
    }
}
