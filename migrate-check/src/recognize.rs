//! Token-level recognition of statements sqlparser rejects although the
//! servers accept them — often the *safe* forms (`DROP INDEX CONCURRENTLY`,
//! `REINDEX CONCURRENTLY`, batched `DO` blocks). See linters.md §7.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::config::Dialect;
use crate::locks::LockMode;
use crate::parse::parse_tokens;
use crate::statement::{DomainAction, Recognized, TableAction};

/// Recognizes a statement sqlparser rejected; `None` leaves it a parse error.
pub fn recognize(slice: &[TokenWithSpan], dialect: Dialect) -> Option<Recognized> {
    let toks: Vec<&Token> = slice
        .iter()
        .map(|t| &t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let words: Vec<String> = toks.iter().map(|t| upper_word(t)).collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");

    match (dialect, w(0)) {
        (Dialect::Postgres, "DROP") if w(1) == "INDEX" && w(2) == "CONCURRENTLY" => {
            let mut i = 3;
            let if_exists = w(3) == "IF" && w(4) == "EXISTS";
            if if_exists {
                i = 5;
            }
            let names = names_until(&toks[i.min(toks.len())..], &["CASCADE", "RESTRICT"]);
            (!names.is_empty()).then_some(Recognized::DropIndexConcurrently { names, if_exists })
        }
        (Dialect::Postgres, "REINDEX") => {
            let mut i = 1;
            let mut concurrently = false;
            if toks.get(1) == Some(&&Token::LParen) {
                let opts_end = toks.iter().position(|t| *t == &Token::RParen)?;
                concurrently = words[2..opts_end].iter().any(|w| w == "CONCURRENTLY");
                i = opts_end + 1;
            }
            let target = w(i).to_string();
            if !matches!(
                target.as_str(),
                "INDEX" | "TABLE" | "SCHEMA" | "DATABASE" | "SYSTEM"
            ) {
                return None;
            }
            i += 1;
            if w(i) == "CONCURRENTLY" {
                concurrently = true;
                i += 1;
            }
            let name = toks
                .get(i..)
                .map(|rest| names_until(rest, &[]))
                .and_then(|n| n.into_iter().next());
            Some(Recognized::Reindex {
                target,
                name,
                concurrently,
            })
        }
        (Dialect::Postgres, "DO") => toks.iter().find_map(|t| match t {
            Token::DollarQuotedString(s) => Some(Recognized::DoBlock {
                body: s.value.clone(),
            }),
            Token::SingleQuotedString(s) => Some(Recognized::DoBlock { body: s.clone() }),
            _ => None,
        }),
        (Dialect::Postgres, "CLUSTER") => {
            let i = if w(1) == "VERBOSE" { 2 } else { 1 };
            let table = toks
                .get(i..)
                .and_then(|r| names_until(r, &["USING"]).into_iter().next());
            Some(Recognized::Cluster { table })
        }
        (Dialect::Postgres, "VACUUM") => {
            let mut full = false;
            let mut i = 1;
            if toks.get(1) == Some(&&Token::LParen) {
                let end = toks.iter().position(|t| *t == &Token::RParen)?;
                full = words[2..end].iter().any(|w| w == "FULL");
                i = end + 1;
            }
            while matches!(w(i), "FULL" | "FREEZE" | "VERBOSE" | "ANALYZE") {
                full |= w(i) == "FULL";
                i += 1;
            }
            let tables = toks
                .get(i..)
                .map(|r| names_until(r, &[]))
                .unwrap_or_default();
            Some(Recognized::Vacuum { full, tables })
        }
        (Dialect::Postgres, "ALTER") if w(1) == "DOMAIN" => {
            let name = name_at(&toks, 2)?;
            // The action follows the (possibly qualified) name.
            let mut i = 3;
            while matches!(toks.get(i), Some(Token::Period)) {
                i += 2;
            }
            let action = match (w(i), w(i + 1)) {
                ("ADD", _) => DomainAction::AddConstraint {
                    not_valid: w(words.len() - 2) == "NOT" && w(words.len() - 1) == "VALID",
                },
                ("SET", "NOT") => DomainAction::SetNotNull,
                ("VALIDATE", "CONSTRAINT") => DomainAction::ValidateConstraint,
                _ => DomainAction::Other,
            };
            Some(Recognized::AlterDomain { name, action })
        }
        (Dialect::Postgres, "ALTER") if w(1) == "INDEX" => {
            let mut i = 2;
            if w(i) == "IF" && w(i + 1) == "EXISTS" {
                i += 2;
            }
            let name = name_at(&toks, i)?;
            i += 1;
            while matches!(toks.get(i), Some(Token::Period)) {
                i += 2;
            }
            let action = match (w(i), w(i + 1)) {
                ("ATTACH", "PARTITION") | ("SET", "TABLESPACE") => format!("{} {}", w(i), w(i + 1)),
                ("SET", _) | ("RESET", _) => w(i).to_string(),
                _ => return None,
            };
            let target = toks
                .get(i + 2..)
                .and_then(|r| names_until(r, &[]).into_iter().next());
            Some(Recognized::AlterIndex {
                name,
                action,
                target,
            })
        }
        (Dialect::Postgres, "ALTER")
            if w(1) == "TABLE" && contains_seq(&words, &["SET", "TABLESPACE"]) =>
        {
            let mut i = 2;
            if w(i) == "IF" && w(i + 1) == "EXISTS" {
                i += 2;
            }
            if w(i) == "ONLY" {
                i += 1;
            }
            Some(Recognized::SetTablespace {
                table: name_at(&toks, i)?,
            })
        }
        (Dialect::Postgres, "ALTER") if w(1) == "TABLE" => pg_alter_table(slice, &toks, &words),
        (Dialect::Postgres, "ALTER")
            if w(1) == "SEQUENCE" && contains_seq(&words, &["OWNED", "BY"]) =>
        {
            Some(Recognized::Other {
                what: "ALTER SEQUENCE OWNED BY".into(),
                lock: None,
            })
        }
        (Dialect::Postgres, "CREATE") if w(1) == "STATISTICS" => {
            // `CREATE STATISTICS name (kinds) ON cols FROM table`: SHARE UPDATE EXCLUSIVE.
            let from = words.iter().rposition(|w| w == "FROM")?;
            Some(Recognized::Other {
                what: "CREATE STATISTICS".into(),
                lock: Some((name_at(&toks, from + 1)?, LockMode::ShareUpdateExclusive)),
            })
        }
        (Dialect::Postgres, "CREATE")
            if w(1) == "PUBLICATION" || (w(1) == "EVENT" && w(2) == "TRIGGER") =>
        {
            Some(Recognized::Other {
                what: format!(
                    "CREATE {}",
                    if w(1) == "EVENT" {
                        "EVENT TRIGGER"
                    } else {
                        "PUBLICATION"
                    }
                ),
                lock: None,
            })
        }
        // MySQL stored programs (`CREATE [DEFINER = u] PROCEDURE p() BEGIN
        // … END`, events): sqlparser reads neither MySQL's routine bodies
        // nor `CREATE EVENT`. They change no table.
        (Dialect::MySql, "CREATE" | "ALTER" | "DROP")
            if words
                .iter()
                .take(8)
                .any(|w| matches!(w.as_str(), "PROCEDURE" | "FUNCTION" | "EVENT" | "TRIGGER")) =>
        {
            let kind = words
                .iter()
                .take(8)
                .find(|w| matches!(w.as_str(), "PROCEDURE" | "FUNCTION" | "EVENT" | "TRIGGER"))?;
            Some(Recognized::Other {
                what: format!("{} {kind}", w(0)),
                lock: None,
            })
        }
        (Dialect::Postgres, "SECURITY") if w(1) == "LABEL" => Some(Recognized::Other {
            what: "SECURITY LABEL".into(),
            lock: None,
        }),
        // `CREATE TABLE t (LIKE s INCLUDING …)`: parse without the options.
        (Dialect::Postgres, "CREATE")
            if words.iter().take(4).any(|w| w == "TABLE")
                && words.iter().any(|w| w == "INCLUDING" || w == "EXCLUDING") =>
        {
            let first = words
                .iter()
                .position(|w| w == "INCLUDING" || w == "EXCLUDING")?;
            let mut end = first;
            while matches!(toks.get(end), Some(Token::Word(_))) {
                end += 1;
            }
            without(
                slice,
                &toks,
                first,
                end - first,
                &words[first..end].join(" "),
                dialect,
            )
        }
        (Dialect::Postgres, "CREATE") if words.iter().any(|w| w == "INDEX") => {
            // `CREATE INDEX … ON ONLY t (…)`: parse without ONLY, keep the clause.
            let on = words.iter().position(|w| w == "ON")?;
            (w(on + 1) == "ONLY").then(|| without(slice, &toks, on + 1, 1, "ON ONLY", dialect))?
        }
        (Dialect::Postgres, "CREATE")
            if w(1) == "MATERIALIZED" || (w(1) == "OR" && w(3) == "MATERIALIZED") =>
        {
            let n = words.len();
            if n >= 3 && w(n - 3) == "WITH" && w(n - 2) == "NO" && w(n - 1) == "DATA" {
                without(slice, &toks, n - 3, 3, "WITH NO DATA", dialect)
            } else if n >= 2 && w(n - 2) == "WITH" && w(n - 1) == "DATA" {
                without(slice, &toks, n - 2, 2, "WITH DATA", dialect)
            } else {
                None
            }
        }
        // `CREATE [TEMP] TRIGGER IF NOT EXISTS` (SQLite): parse without the guard.
        (Dialect::Sqlite, "CREATE") if words.iter().take(4).any(|w| w == "TRIGGER") => {
            let at = words.iter().position(|w| w == "TRIGGER")? + 1;
            (w(at) == "IF" && w(at + 1) == "NOT" && w(at + 2) == "EXISTS")
                .then(|| without(slice, &toks, at, 3, "IF NOT EXISTS", dialect))?
        }
        (Dialect::Postgres, "CREATE") if w(1) == "DOMAIN" => {
            let at = (0..words.len().saturating_sub(1))
                .find(|&i| w(i) == "NOT" && w(i + 1) == "NULL")?;
            without(slice, &toks, at, 2, "NOT NULL", dialect)
        }
        (Dialect::Sqlite, "PRAGMA") => {
            let mut i = 1;
            if matches!(toks.get(2), Some(Token::Period)) {
                i = 3; // schema.pragma
            }
            let name = match toks.get(i)? {
                Token::Word(wd) => wd.value.to_ascii_lowercase(),
                _ => return None,
            };
            let value = match toks.get(i + 1) {
                None => None,
                Some(Token::Eq) => Some(value_text(toks.get(i + 2..)?)),
                Some(Token::LParen) => {
                    Some(value_text(toks.get(i + 2..toks.len().saturating_sub(1))?))
                }
                _ => return None,
            };
            Some(Recognized::Pragma { name, value })
        }
        (Dialect::Sqlite, "REINDEX" | "DETACH") => {
            let i = if w(1) == "DATABASE" { 2 } else { 1 };
            let target = toks
                .get(i..)
                .and_then(|r| names_until(r, &[]).into_iter().next());
            // Nothing may follow the name.
            let used = match &target {
                Some(t) => i + 1 + 2 * t.matches('.').count(),
                None => i,
            };
            (used == toks.len() && (w(0) == "REINDEX" || target.is_some())).then(|| {
                Recognized::SqliteMaintenance {
                    verb: w(0).to_string(),
                    target,
                }
            })
        }
        (Dialect::MySql, "OPTIMIZE")
            if matches!(w(1), "TABLE" | "NO_WRITE_TO_BINLOG" | "LOCAL") =>
        {
            let i = if w(1) == "TABLE" { 2 } else { 3 };
            let tables = toks
                .get(i..)
                .map(|r| names_until(r, &[]))
                .unwrap_or_default();
            (!tables.is_empty()).then_some(Recognized::OptimizeTable { tables })
        }
        // `CREATE FULLTEXT|SPATIAL INDEX`: parse without the kind, keep it as the clause.
        (Dialect::MySql, "CREATE") if matches!(w(1), "FULLTEXT" | "SPATIAL") && w(2) == "INDEX" => {
            without(slice, &toks, 1, 1, w(1), dialect)
        }
        (Dialect::MySql, "ALTER") if w(1) == "TABLE" => {
            mysql_without_guards(slice, &words, dialect)
                .or_else(|| mysql_table_option(slice, &toks, &words, dialect))
        }
        // `DROP INDEX i ON t ALGORITHM=… LOCK=…`: parse without the clauses.
        (Dialect::MySql, "DROP") if w(1) == "INDEX" => {
            let at = (4..words.len()).find(|&i| matches!(w(i), "ALGORITHM" | "LOCK"))?;
            let clause: Vec<String> = toks[at..].iter().map(|t| t.to_string()).collect();
            without(
                slice,
                &toks,
                at,
                toks.len() - at,
                &clause.join(" ").to_ascii_uppercase(),
                dialect,
            )
        }
        _ => None,
    }
}

/// PostgreSQL `ALTER TABLE` with one action sqlparser rejects (see
/// [`TableAction`]); several comma-separated actions stay a parse error.
fn pg_alter_table(
    slice: &[TokenWithSpan],
    toks: &[&Token],
    words: &[String],
) -> Option<Recognized> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mut i = 2;
    if w(i) == "IF" && w(i + 1) == "EXISTS" {
        i += 2;
    }
    if w(i) == "ONLY" {
        i += 1;
    }
    let table = name_at(toks, i)?;
    i += 1;
    while matches!(toks.get(i), Some(Token::Period)) {
        i += 2;
    }
    if matches!(toks.get(i), Some(Token::Mul)) {
        i += 1; // `t *`: the table and its descendants
    }
    let mut depth = 0i32;
    for t in &toks[i.min(toks.len())..] {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => return None,
            _ => {}
        }
    }
    let n = words.len();
    let not_valid = n >= 2 && w(n - 2) == "NOT" && w(n - 1) == "VALID";
    let metadata = |what: String, lock: LockMode| {
        Some(Recognized::AlterTable {
            table: table.clone(),
            action: TableAction::Metadata { what, lock },
        })
    };
    match (w(i), w(i + 1)) {
        ("SET", "SCHEMA") => Some(Recognized::AlterTable {
            table: table.clone(),
            action: TableAction::SetSchema {
                schema: name_at(toks, i + 2)?,
            },
        }),
        ("ADD", _) => {
            let (constraint, at) = if w(i + 1) == "CONSTRAINT" {
                (Some(name_at(toks, i + 2)?), i + 3)
            } else {
                (None, i + 1)
            };
            if !(w(at) == "NOT" && w(at + 1) == "NULL") {
                // `ADD COLUMN … GENERATED ALWAYS AS (…) VIRTUAL` (PostgreSQL 18).
                return (w(n - 1) == "VIRTUAL").then(|| virtual_generated(slice))?;
            }
            Some(Recognized::AlterTable {
                table: table.clone(),
                action: TableAction::AddNotNull {
                    constraint,
                    column: name_at(toks, at + 2)?,
                    not_valid,
                },
            })
        }
        ("ALTER", _) => {
            let col = if w(i + 1) == "COLUMN" { i + 2 } else { i + 1 };
            let (a, b) = (w(col + 1), w(col + 2));
            let lock = match (a, b) {
                ("SET", "STATISTICS") => LockMode::ShareUpdateExclusive,
                // Per-attribute options (n_distinct, …).
                ("SET", "") | ("RESET", "") if matches!(toks.get(col + 2), Some(Token::LParen)) => {
                    LockMode::ShareUpdateExclusive
                }
                ("SET", "STORAGE" | "COMPRESSION") | ("DROP", "IDENTITY") => {
                    LockMode::AccessExclusive
                }
                _ => return None,
            };
            metadata(format!("ALTER COLUMN {a} {b}").trim_end().to_string(), lock)
        }
        ("CLUSTER", "ON") | ("SET", "WITHOUT") => metadata(
            format!("{} {}", w(i), w(i + 1)),
            LockMode::ShareUpdateExclusive,
        ),
        ("INHERIT", _) | ("NO", "INHERIT") => {
            let what = if w(i) == "NO" {
                "NO INHERIT"
            } else {
                "INHERIT"
            };
            metadata(what.to_string(), LockMode::AccessExclusive)
        }
        _ => None,
    }
}

/// PostgreSQL 18 `ADD COLUMN … GENERATED ALWAYS AS (…) VIRTUAL`: parsed as
/// `STORED` (the only form sqlparser knows), then marked virtual in the AST,
/// so that rules see what the statement does — no rewrite.
fn virtual_generated(slice: &[TokenWithSpan]) -> Option<Recognized> {
    use sqlparser::ast::{
        AlterTableOperation, ColumnOption, GeneratedAs, GeneratedExpressionMode, Statement,
    };
    let mut kept = slice.to_vec();
    let last = kept
        .iter_mut()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))?;
    last.token = Token::make_keyword("STORED");
    let mut statement = parse_tokens(&kept, Dialect::Postgres).ok()?;
    let Statement::AlterTable(at) = &mut statement else {
        return None;
    };
    for op in &mut at.operations {
        if let AlterTableOperation::AddColumn { column_def, .. } = op {
            for o in &mut column_def.options {
                if let ColumnOption::Generated {
                    generated_as,
                    generation_expr_mode,
                    ..
                } = &mut o.option
                {
                    *generated_as = GeneratedAs::Always;
                    *generation_expr_mode = Some(GeneratedExpressionMode::Virtual);
                }
            }
        }
    }
    Some(Recognized::WithClause {
        statement: Box::new(statement),
        clause: "VIRTUAL".into(),
    })
}

/// MariaDB's `IF [NOT] EXISTS` guards inside `ALTER TABLE` actions (`ADD
/// COLUMN IF NOT EXISTS`, `DROP INDEX IF EXISTS`, …) and MySQL's index
/// visibility (`ADD INDEX i (a) INVISIBLE`): parse without them. The clause
/// is `IF EXISTS` when guards were removed, else the visibility word.
fn mysql_without_guards(
    slice: &[TokenWithSpan],
    words: &[String],
    dialect: Dialect,
) -> Option<Recognized> {
    // Non-whitespace indexes of the guard words, after `ALTER TABLE [IF EXISTS] t`.
    let mut drop = Vec::new();
    let mut i = 4;
    while i + 1 < words.len() {
        if words[i] == "IF" && words[i + 1] == "EXISTS" {
            drop.extend([i, i + 1]);
            i += 2;
        } else if words[i] == "IF"
            && words.get(i + 1).map(String::as_str) == Some("NOT")
            && words.get(i + 2).map(String::as_str) == Some("EXISTS")
        {
            drop.extend([i, i + 1, i + 2]);
            i += 3;
        } else if matches!(words[i].as_str(), "VISIBLE" | "INVISIBLE") && words[i - 1] != "SET" {
            drop.push(i);
            i += 1;
        } else {
            i += 1;
        }
    }
    if matches!(
        words.last().map(String::as_str),
        Some("VISIBLE" | "INVISIBLE")
    ) && words.len() > 4
        && words[words.len() - 2] != "SET"
        && !drop.contains(&(words.len() - 1))
    {
        drop.push(words.len() - 1);
    }
    if drop.is_empty() {
        return None;
    }
    let guards = drop.iter().any(|&i| words[i] == "EXISTS");
    let mut kept = Vec::with_capacity(slice.len());
    let mut nth = 0usize;
    for t in slice {
        if !matches!(t.token, Token::Whitespace(_)) {
            nth += 1;
            if drop.contains(&(nth - 1)) {
                continue;
            }
        }
        kept.push(t.clone());
    }
    let statement = parse_tokens(&kept, dialect).ok()?;
    Some(Recognized::WithClause {
        statement: Box::new(statement),
        clause: if guards {
            "IF EXISTS".to_string()
        } else {
            words[drop[0]].clone()
        },
    })
}

/// MySQL `ALTER TABLE t …, ENGINE=…` and other table options sqlparser rejects:
/// parse the statement without the option when it is the last one.
fn mysql_table_option(
    slice: &[TokenWithSpan],
    toks: &[&Token],
    words: &[String],
    dialect: Dialect,
) -> Option<Recognized> {
    const OPTIONS: &[&str] = &[
        "ENGINE",
        "ROW_FORMAT",
        "COMMENT",
        "FORCE",
        "CONVERT",
        "PARTITION",
        "REMOVE",
        "KEY_BLOCK_SIZE",
        "CHARACTER",
        "CHARSET",
        "DEFAULT",
        "COLLATE",
        "STATS_PERSISTENT",
    ];
    // Actions sqlparser does not know, by their first two words.
    const ACTIONS: &[(&str, &str)] = &[
        ("RENAME", "INDEX"),
        ("RENAME", "KEY"),
        ("ALTER", "INDEX"),
        ("ALTER", "KEY"),
        ("ALTER", "CHECK"),
        ("ALTER", "COLUMN"),
        ("DROP", "CHECK"),
        ("ADD", "PARTITION"),
        ("DROP", "PARTITION"),
        ("TRUNCATE", "PARTITION"),
        ("COALESCE", "PARTITION"),
        ("REORGANIZE", "PARTITION"),
        ("EXCHANGE", "PARTITION"),
        ("ANALYZE", "PARTITION"),
        ("CHECK", "PARTITION"),
        ("REPAIR", "PARTITION"),
        ("REBUILD", "PARTITION"),
        ("OPTIMIZE", "PARTITION"),
        ("DISCARD", "TABLESPACE"),
        ("IMPORT", "TABLESPACE"),
    ];
    // The option starts at a word in OPTIONS (or ACTIONS) right after the
    // table name or a comma.
    let start = (3..words.len()).find(|&i| {
        (OPTIONS.contains(&words[i].as_str())
            || ACTIONS
                .iter()
                .any(|(a, b)| words[i] == *a && words.get(i + 1).map(String::as_str) == Some(*b)))
            && (i == 3 || toks[i - 1] == &Token::Comma)
            && (words[i] != "DEFAULT"
                || matches!(
                    words.get(i + 1).map(String::as_str),
                    Some("CHARACTER" | "CHARSET" | "COLLATE")
                ))
    })?;
    let clause: Vec<String> = toks[start..].iter().map(|t| t.to_string()).collect();
    let clause = clause.join(" ").to_ascii_uppercase();
    let keep_until = if toks[start - 1] == &Token::Comma {
        start - 1
    } else {
        start
    };
    if keep_until <= 3 {
        // Nothing but the option: no AST to recover.
        return Some(Recognized::TableOptions {
            table: name_at(toks, 2)?,
            clause,
        });
    }
    without(
        slice,
        toks,
        keep_until,
        toks.len() - keep_until,
        &clause,
        dialect,
    )
}

/// Re-parses the statement without `count` non-whitespace tokens starting at
/// non-whitespace index `at`, recording them as the clause.
fn without(
    slice: &[TokenWithSpan],
    _toks: &[&Token],
    at: usize,
    count: usize,
    clause: &str,
    dialect: Dialect,
) -> Option<Recognized> {
    let mut kept = Vec::with_capacity(slice.len());
    let mut nth = 0usize;
    for t in slice {
        if matches!(t.token, Token::Whitespace(_)) {
            kept.push(t.clone());
            continue;
        }
        if !(at..at + count).contains(&nth) {
            kept.push(t.clone());
        }
        nth += 1;
    }
    let statement = parse_tokens(&kept, dialect).ok()?;
    Some(Recognized::WithClause {
        statement: Box::new(statement),
        clause: clause.to_string(),
    })
}

fn upper_word(t: &Token) -> String {
    match t {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

fn contains_seq(words: &[String], seq: &[&str]) -> bool {
    words
        .windows(seq.len())
        .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
}

/// A possibly qualified name starting at non-whitespace index `i`.
fn name_at(toks: &[&Token], i: usize) -> Option<String> {
    names_until(toks.get(i..)?, &[]).into_iter().next()
}

/// Comma-separated, possibly qualified names, up to a stop word or the end.
fn names_until(toks: &[&Token], stop: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut after_word = false;
    for t in toks {
        match t {
            Token::Word(w) => {
                if after_word
                    || (w.quote_style.is_none()
                        && stop.contains(&w.value.to_ascii_uppercase().as_str()))
                {
                    break;
                }
                current.push_str(&w.value);
                after_word = true;
                continue;
            }
            Token::Period => current.push('.'),
            Token::Comma => {
                if !current.is_empty() {
                    names.push(std::mem::take(&mut current));
                }
            }
            _ => break,
        }
        after_word = false;
    }
    if !current.is_empty() {
        names.push(current);
    }
    names
}

fn value_text(toks: &[&Token]) -> String {
    toks.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::tokenizer::Tokenizer;

    fn rec(sql: &str, d: Dialect) -> Option<Recognized> {
        let toks = Tokenizer::new(d.sqlparser(), sql)
            .tokenize_with_location()
            .unwrap();
        let toks: Vec<_> = toks.into_iter().filter(|t| t.token != Token::EOF).collect();
        assert!(
            parse_tokens(&toks, d).is_err(),
            "sqlparser now parses `{sql}`: drop the recognizer"
        );
        recognize(&toks, d)
    }

    #[test]
    fn postgres_forms() {
        assert_eq!(
            rec(
                "DROP INDEX CONCURRENTLY IF EXISTS a.idx_1, idx_2",
                Dialect::Postgres
            ),
            Some(Recognized::DropIndexConcurrently {
                names: vec!["a.idx_1".into(), "idx_2".into()],
                if_exists: true
            })
        );
        assert_eq!(
            rec(
                "REINDEX (VERBOSE) INDEX CONCURRENTLY idx",
                Dialect::Postgres
            ),
            Some(Recognized::Reindex {
                target: "INDEX".into(),
                name: Some("idx".into()),
                concurrently: true
            })
        );
        assert_eq!(
            rec("REINDEX TABLE t", Dialect::Postgres),
            Some(Recognized::Reindex {
                target: "TABLE".into(),
                name: Some("t".into()),
                concurrently: false
            })
        );
        assert!(matches!(
            rec("DO $$ BEGIN UPDATE t SET a = 1; END $$", Dialect::Postgres),
            Some(Recognized::DoBlock { body }) if body.contains("UPDATE t")
        ));
        assert_eq!(
            rec("CLUSTER t USING idx", Dialect::Postgres),
            Some(Recognized::Cluster {
                table: Some("t".into())
            })
        );
        assert_eq!(
            rec("VACUUM (FULL, ANALYZE) t", Dialect::Postgres),
            Some(Recognized::Vacuum {
                full: true,
                tables: vec!["t".into()]
            })
        );
        assert_eq!(
            rec("ALTER TABLE t SET TABLESPACE fast", Dialect::Postgres),
            Some(Recognized::SetTablespace { table: "t".into() })
        );
        assert_eq!(
            rec(
                "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0)",
                Dialect::Postgres
            ),
            Some(Recognized::AlterDomain {
                name: "d".into(),
                action: DomainAction::AddConstraint { not_valid: false }
            })
        );
        assert!(matches!(
            rec("CREATE INDEX i ON ONLY t (a)", Dialect::Postgres),
            Some(Recognized::WithClause { clause, .. }) if clause == "ON ONLY"
        ));
        assert!(matches!(
            rec("CREATE MATERIALIZED VIEW v AS SELECT 1 WITH NO DATA", Dialect::Postgres),
            Some(Recognized::WithClause { clause, .. }) if clause == "WITH NO DATA"
        ));
    }

    #[test]
    fn postgres_alter_table_actions() {
        let pg = Dialect::Postgres;
        let action = |sql: &str| match rec(sql, pg) {
            Some(Recognized::AlterTable { table, action }) => Some((table, action)),
            other => panic!("{sql}: {other:?}"),
        };
        assert_eq!(
            action("ALTER TABLE IF EXISTS ONLY public.users SET SCHEMA archive"),
            Some((
                "public.users".into(),
                TableAction::SetSchema {
                    schema: "archive".into()
                }
            ))
        );
        assert_eq!(
            action("ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID")
                .map(|(_, a)| a),
            Some(TableAction::AddNotNull {
                constraint: Some("users_email_nn".into()),
                column: "email".into(),
                not_valid: true
            })
        );
        assert_eq!(
            action("ALTER TABLE users ADD NOT NULL email").map(|(_, a)| a),
            Some(TableAction::AddNotNull {
                constraint: None,
                column: "email".into(),
                not_valid: false
            })
        );
        for (sql, lock) in [
            (
                "ALTER TABLE t ALTER COLUMN c SET STATISTICS 500",
                LockMode::ShareUpdateExclusive,
            ),
            (
                "ALTER TABLE t ALTER c SET (n_distinct = 100)",
                LockMode::ShareUpdateExclusive,
            ),
            (
                "ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL",
                LockMode::AccessExclusive,
            ),
            (
                "ALTER TABLE t ALTER COLUMN c SET COMPRESSION lz4",
                LockMode::AccessExclusive,
            ),
            (
                "ALTER TABLE t ALTER COLUMN id DROP IDENTITY IF EXISTS",
                LockMode::AccessExclusive,
            ),
            (
                "ALTER TABLE t CLUSTER ON t_pkey",
                LockMode::ShareUpdateExclusive,
            ),
        ] {
            assert!(
                matches!(action(sql), Some((_, TableAction::Metadata { lock: l, .. })) if l == lock),
                "{sql}"
            );
        }
        // Several actions at once: left a parse error rather than half understood.
        assert_eq!(
            rec("ALTER TABLE t SET SCHEMA a, ADD COLUMN b int", pg),
            None
        );
    }

    #[test]
    fn postgres_18_virtual_generated_column_is_not_stored() {
        use sqlparser::ast::{
            AlterTableOperation, ColumnOption, GeneratedExpressionMode, Statement,
        };
        let Some(Recognized::WithClause { statement, clause }) = rec(
            "ALTER TABLE people ADD COLUMN full_name text GENERATED ALWAYS AS (first || ' ' || last) VIRTUAL",
            Dialect::Postgres,
        ) else {
            panic!("not recognized");
        };
        assert_eq!(clause, "VIRTUAL");
        let Statement::AlterTable(at) = *statement else {
            panic!()
        };
        let AlterTableOperation::AddColumn { column_def, .. } = &at.operations[0] else {
            panic!()
        };
        assert!(column_def.options.iter().any(|o| matches!(
            o.option,
            ColumnOption::Generated {
                generation_expr_mode: Some(GeneratedExpressionMode::Virtual),
                ..
            }
        )));
    }

    #[test]
    fn postgres_objects_no_rule_is_about() {
        let pg = Dialect::Postgres;
        assert!(matches!(
            rec("CREATE STATISTICS s1 (dependencies) ON a, b FROM orders", pg),
            Some(Recognized::Other { lock: Some((t, LockMode::ShareUpdateExclusive)), .. }) if t == "orders"
        ));
        for sql in [
            "CREATE PUBLICATION pub FOR TABLE users",
            "CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION f()",
            "SECURITY LABEL ON TABLE users IS 'x'",
            "ALTER SEQUENCE order_no_seq OWNED BY orders.order_no",
        ] {
            assert!(
                matches!(rec(sql, pg), Some(Recognized::Other { lock: None, .. })),
                "{sql}"
            );
        }
        assert!(matches!(
            rec("CREATE TABLE t2 (LIKE users INCLUDING DEFAULTS INCLUDING INDEXES)", pg),
            Some(Recognized::WithClause { clause, .. }) if clause == "INCLUDING DEFAULTS INCLUDING INDEXES"
        ));
    }

    #[test]
    fn domains_and_index_actions() {
        assert_eq!(
            rec(
                "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID",
                Dialect::Postgres
            ),
            Some(Recognized::AlterDomain {
                name: "d".into(),
                action: DomainAction::AddConstraint { not_valid: true }
            })
        );
        assert_eq!(
            rec("ALTER DOMAIN public.d SET NOT NULL", Dialect::Postgres),
            Some(Recognized::AlterDomain {
                name: "public.d".into(),
                action: DomainAction::SetNotNull
            })
        );
        assert_eq!(
            rec("ALTER DOMAIN d RENAME CONSTRAINT a TO b", Dialect::Postgres),
            Some(Recognized::AlterDomain {
                name: "d".into(),
                action: DomainAction::Other
            })
        );
        assert_eq!(
            rec(
                "ALTER INDEX parent_idx ATTACH PARTITION part_idx",
                Dialect::Postgres
            ),
            Some(Recognized::AlterIndex {
                name: "parent_idx".into(),
                action: "ATTACH PARTITION".into(),
                target: Some("part_idx".into())
            })
        );
        assert!(matches!(
            rec("CREATE DOMAIN email AS text NOT NULL CHECK (VALUE LIKE '%@%')", Dialect::Postgres),
            Some(Recognized::WithClause { clause, .. }) if clause == "NOT NULL"
        ));
    }

    #[test]
    fn sqlite_pragmas() {
        assert_eq!(
            rec("PRAGMA foreign_keys = OFF", Dialect::Sqlite),
            Some(Recognized::Pragma {
                name: "foreign_keys".into(),
                value: Some("OFF".into())
            })
        );
        assert_eq!(
            rec("PRAGMA legacy_alter_table = ON", Dialect::Sqlite),
            Some(Recognized::Pragma {
                name: "legacy_alter_table".into(),
                value: Some("ON".into())
            })
        );
    }

    #[test]
    fn sqlite_reindex_and_detach() {
        for (sql, verb, target) in [
            ("REINDEX", "REINDEX", None),
            ("REINDEX users", "REINDEX", Some("users")),
            (
                "REINDEX main.users_email_idx",
                "REINDEX",
                Some("main.users_email_idx"),
            ),
            ("REINDEX EXPRESSIONS", "REINDEX", Some("EXPRESSIONS")),
            ("DETACH DATABASE aux", "DETACH", Some("aux")),
            ("DETACH aux", "DETACH", Some("aux")),
        ] {
            assert_eq!(
                rec(sql, Dialect::Sqlite),
                Some(Recognized::SqliteMaintenance {
                    verb: verb.into(),
                    target: target.map(Into::into)
                }),
                "{sql}"
            );
        }
        assert_eq!(rec("REINDEX users garbage", Dialect::Sqlite), None);
        assert_eq!(rec("DETACH", Dialect::Sqlite), None);
    }

    #[test]
    fn sqlite_trigger_if_not_exists() {
        assert!(matches!(
            rec("CREATE TRIGGER IF NOT EXISTS trg AFTER UPDATE ON t FOR EACH ROW BEGIN UPDATE t SET a = 1 WHERE id = NEW.id; END", Dialect::Sqlite),
            Some(Recognized::WithClause { clause, statement }) if clause == "IF NOT EXISTS"
                && matches!(*statement, sqlparser::ast::Statement::CreateTrigger(_))
        ));
    }

    #[test]
    fn mysql_forms() {
        let my = Dialect::MySql;
        for sql in [
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS c int",
            "ALTER TABLE t DROP INDEX IF EXISTS i, ADD INDEX IF NOT EXISTS j (a)",
            "ALTER TABLE t DROP FOREIGN KEY IF EXISTS fk",
        ] {
            assert!(
                matches!(rec(sql, my), Some(Recognized::WithClause { ref clause, .. }) if clause == "IF EXISTS"),
                "{sql}"
            );
        }
        assert!(matches!(
            rec("DROP INDEX i ON t ALGORITHM=INPLACE LOCK=NONE", my),
            Some(Recognized::WithClause { clause, statement })
                if clause.starts_with("ALGORITHM") && matches!(*statement, sqlparser::ast::Statement::Drop { .. })
        ));
        assert!(matches!(
            rec("CREATE FULLTEXT INDEX f ON t (body)", my),
            Some(Recognized::WithClause { clause, .. }) if clause == "FULLTEXT"
        ));
        for (sql, clause) in [
            ("ALTER TABLE t RENAME INDEX a TO b", "RENAME INDEX A TO B"),
            ("ALTER TABLE t ENGINE=InnoDB", "ENGINE = INNODB"),
            ("ALTER TABLE t DROP CHECK ck", "DROP CHECK CK"),
            ("ALTER TABLE t REMOVE PARTITIONING", "REMOVE PARTITIONING"),
        ] {
            assert_eq!(
                rec(sql, my),
                Some(Recognized::TableOptions {
                    table: "t".into(),
                    clause: clause.into()
                }),
                "{sql}"
            );
        }
        assert!(matches!(
            rec("ALTER TABLE t ADD COLUMN d int, ROW_FORMAT=DYNAMIC", my),
            Some(Recognized::WithClause { clause, .. }) if clause.starts_with("ROW_FORMAT")
        ));
    }

    #[test]
    fn garbage_is_not_recognized() {
        assert_eq!(rec("CREATE TABLE (", Dialect::Postgres), None);
        assert_eq!(rec("REINDEX nothing", Dialect::Postgres), None);
    }
}
