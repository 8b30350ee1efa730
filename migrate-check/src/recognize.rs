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
                // `FULL`, `FULL true|on|1`; not `FULL false|off|0`.
                full = (2..end).any(|j| {
                    w(j) == "FULL"
                        && !matches!(w(j + 1), "FALSE" | "OFF")
                        && !matches!(toks.get(j + 1), Some(Token::Number(n, _)) if n == "0")
                });
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
            if w(i) == "RENAME" && w(2) == "IF" {
                // `ALTER INDEX IF EXISTS a RENAME TO b`: parse without the guard.
                return without(slice, &toks, 2, 2, "IF EXISTS", dialect);
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
        (Dialect::Postgres, "ALTER") if w(1) == "SEQUENCE" => pg_alter_sequence(&toks, &words),
        (Dialect::Postgres, "ALTER") if w(1) == "TYPE" => {
            // `ALTER TYPE t SET SCHEMA s` (sqlparser knows RENAME and the enum values).
            let mut i = 3;
            while matches!(toks.get(i), Some(Token::Period)) {
                i += 2;
            }
            (name_at(&toks, 2).is_some()
                && w(i) == "SET"
                && w(i + 1) == "SCHEMA"
                && name_at(&toks, i + 2).is_some()
                && toks.len() == i + 3)
                .then(|| Recognized::Other {
                    what: "ALTER TYPE SET SCHEMA".into(),
                    lock: None,
                })
        }
        (Dialect::Postgres, "DROP")
            if w(1) == "STATISTICS" || (w(1) == "EVENT" && w(2) == "TRIGGER") =>
        {
            let (what, mut i) = if w(1) == "EVENT" {
                ("DROP EVENT TRIGGER", 3)
            } else {
                ("DROP STATISTICS", 2)
            };
            if w(i) == "IF" && w(i + 1) == "EXISTS" {
                i += 2;
            }
            let names = names_until(toks.get(i..)?, &["CASCADE", "RESTRICT"]);
            // DROP EVENT TRIGGER takes one name.
            (!names.is_empty() && (what == "DROP STATISTICS" || names.len() == 1)).then(|| {
                Recognized::Other {
                    what: what.into(),
                    lock: None,
                }
            })
        }
        (Dialect::Postgres, "COMMENT")
            if w(1) == "ON" && matches!(w(2), "FUNCTION" | "PROCEDURE") =>
        {
            // `COMMENT ON FUNCTION f(int4) IS …`: parse without the argument types.
            let open = toks.iter().position(|t| **t == Token::LParen)?;
            let close = open + closing(&toks[open..])?;
            (w(close + 1) == "IS").then_some(())?;
            let edits: Vec<(usize, Vec<Token>)> = (open..=close).map(|j| (j, Vec::new())).collect();
            with_clause(slice, &edits, &value_text(&toks[open..=close]), dialect)
        }
        (Dialect::Postgres, "COMMENT") if w(1) == "ON" && w(2) == "CONSTRAINT" => {
            // `COMMENT ON CONSTRAINT c ON [DOMAIN] t IS '…'`: ACCESS SHARE on the table.
            name_at(&toks, 3)?;
            if w(4) != "ON" || !contains_seq(&words, &["IS"]) {
                return None;
            }
            let lock = if w(5) == "DOMAIN" {
                None
            } else {
                Some((name_at(&toks, 5)?, LockMode::AccessShare))
            };
            Some(Recognized::Other {
                what: "COMMENT ON CONSTRAINT".into(),
                lock,
            })
        }
        // PostgreSQL 18: `NOT NULL col` entries, named or not, in the
        // table's list. Parsed without them, their columns made NOT NULL.
        (Dialect::Postgres, "CREATE")
            if words.iter().take(6).any(|w| w == "TABLE")
                && words.windows(2).any(|p| p[0] == "NOT" && p[1] == "NULL") =>
        {
            pg18_not_null_entries(slice, &toks, &words)
        }
        (Dialect::Postgres, "CREATE")
            if w(1) == "FUNCTION" || (w(1) == "OR" && w(2) == "REPLACE" && w(3) == "FUNCTION") =>
        {
            // `COST n` and `ROWS n` among the options: parse without them.
            let mut depth = 0i32;
            let mut edits = Vec::new();
            let mut clause = Vec::new();
            for (j, t) in toks.iter().enumerate() {
                match t {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    _ if depth == 0
                        && matches!(w(j), "COST" | "ROWS")
                        && matches!(toks.get(j + 1), Some(Token::Number(..))) =>
                    {
                        edits.extend([(j, Vec::new()), (j + 1, Vec::new())]);
                        clause.push(clause_text(&toks[j..j + 2]));
                    }
                    _ => {}
                }
            }
            if edits.is_empty() {
                return None;
            }
            with_clause(slice, &edits, &clause.join(" "), dialect)
        }
        (Dialect::Postgres, "UPDATE") => pg_update_subscripts(slice, &toks, &words),
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
        // `SET @v := expr`: MySQL's assignment operator, the same as `=` in SET.
        (Dialect::MySql, "SET") => {
            let mut depth = 0i32;
            let mut edits = Vec::new();
            for (j, t) in toks.iter().enumerate() {
                match t {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    Token::Assignment
                        if depth == 0
                            && matches!(toks.get(j.wrapping_sub(1)), Some(Token::Word(v)) if v.value.starts_with('@')) =>
                    {
                        edits.push((j, vec![Token::Eq]));
                    }
                    _ => {}
                }
            }
            if edits.is_empty() {
                return None;
            }
            with_clause(slice, &edits, ":=", dialect)
        }
        // `PREPARE s FROM @sql | '…'` (sqlparser knows PostgreSQL's `PREPARE s AS …`).
        (Dialect::MySql, "PREPARE") => {
            let source = match toks.get(3) {
                Some(Token::SingleQuotedString(_) | Token::DoubleQuotedString(_)) => true,
                Some(Token::Word(v)) => v.value.starts_with('@'),
                _ => false,
            };
            (name_at(&toks, 1).is_some() && w(2) == "FROM" && source && toks.len() == 4).then(
                || Recognized::Other {
                    what: "PREPARE".into(),
                    lock: None,
                },
            )
        }
        // `DROP PREPARE s`, the synonym of `DEALLOCATE PREPARE s`.
        (Dialect::MySql, "DROP") if w(1) == "PREPARE" => {
            (name_at(&toks, 2).is_some() && toks.len() == 3).then(|| Recognized::Other {
                what: "DROP PREPARE".into(),
                lock: None,
            })
        }
        // Multi-table `UPDATE t1 a, t2 b SET …`: the comma join is a CROSS JOIN.
        (Dialect::MySql, "UPDATE") => {
            let mut depth = 0i32;
            let mut edits = Vec::new();
            for (j, t) in toks.iter().enumerate() {
                match t {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    Token::Comma if depth == 0 => edits.push((
                        j,
                        vec![Token::make_keyword("CROSS"), Token::make_keyword("JOIN")],
                    )),
                    _ if depth == 0 && w(j) == "SET" => break,
                    _ => {}
                }
            }
            if edits.is_empty() {
                return None;
            }
            with_clause(slice, &edits, ", (CROSS JOIN)", dialect)
        }
        // `ALTER TABLE t ADD COLUMN c TEXT AFTER d`: SQLite has no column
        // positions, but it reads `AFTER d` (or `FIRST`) as more words of the
        // declared type and adds the column last, with type `TEXT AFTER d`.
        // Parsed without the clause, the declared type restored.
        (Dialect::Sqlite, "ALTER") if w(1) == "TABLE" => {
            sqlite_column_position(slice, &toks, &words)
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
        ("ALTER", "CONSTRAINT") => {
            // `ALTER CONSTRAINT c [NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]`.
            name_at(toks, i + 2)?;
            let rest = &words[(i + 3).min(n)..];
            let deferrability = !rest.is_empty()
                && rest.iter().all(|w| {
                    matches!(
                        w.as_str(),
                        "NOT" | "DEFERRABLE" | "INITIALLY" | "DEFERRED" | "IMMEDIATE"
                    )
                });
            deferrability.then_some(())?;
            metadata("ALTER CONSTRAINT".into(), LockMode::AccessExclusive)
        }
        ("ALTER", _) => {
            let col = if w(i + 1) == "COLUMN" { i + 2 } else { i + 1 };
            let (a, b) = (w(col + 1), w(col + 2));
            if (a, b) == ("ADD", "GENERATED") {
                return identity_restart(slice, toks, words, col + 3);
            }
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

/// `ALTER [COLUMN] c ADD GENERATED … AS IDENTITY (… RESTART [WITH] n …)`:
/// sqlparser reads the sequence options but `RESTART`; parse without it
/// (and without the parentheses when it was the only option).
fn identity_restart(
    slice: &[TokenWithSpan],
    toks: &[&Token],
    words: &[String],
    from: usize,
) -> Option<Recognized> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let r = (from..words.len()).find(|&j| w(j) == "RESTART")?;
    let mut end = r + 1;
    if w(end) == "WITH" {
        end += 1;
    }
    if matches!(toks.get(end), Some(Token::Minus)) {
        end += 1;
    }
    if matches!(toks.get(end), Some(Token::Number(..))) {
        end += 1;
    }
    let clause = clause_text(&toks[r..end]);
    let (mut first, mut last) = (r, end);
    if matches!(toks.get(r - 1), Some(Token::LParen))
        && matches!(toks.get(end), Some(Token::RParen))
    {
        (first, last) = (r - 1, end + 1);
    }
    let edits: Vec<(usize, Vec<Token>)> = (first..last).map(|j| (j, Vec::new())).collect();
    with_clause(slice, &edits, &clause, Dialect::Postgres)
}

/// PostgreSQL `ALTER SEQUENCE [IF EXISTS] name action…` (sqlparser has no
/// `ALTER SEQUENCE`). It changes nothing the model tracks (no sequences),
/// and its lock is on the sequence, not on a table: SHARE ROW EXCLUSIVE
/// (ACCESS EXCLUSIVE for `RENAME`), which holds back `nextval` until commit.
fn pg_alter_sequence(toks: &[&Token], words: &[String]) -> Option<Recognized> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mut i = 2;
    if w(i) == "IF" && w(i + 1) == "EXISTS" {
        i += 2;
    }
    name_at(toks, i)?;
    i += 1;
    while matches!(toks.get(i), Some(Token::Period)) {
        i += 2;
    }
    let what = match (w(i), w(i + 1)) {
        ("RENAME", "TO") | ("SET", "SCHEMA") | ("OWNER", "TO") | ("OWNED", "BY") => {
            name_at(toks, i + 2)?;
            format!("ALTER SEQUENCE {} {}", w(i), w(i + 1))
        }
        ("SET", "LOGGED" | "UNLOGGED") => format!("ALTER SEQUENCE SET {}", w(i + 1)),
        (
            "AS" | "INCREMENT" | "MINVALUE" | "MAXVALUE" | "NO" | "START" | "RESTART" | "CACHE"
            | "CYCLE",
            _,
        ) => format!("ALTER SEQUENCE {}", w(i)),
        _ => return None,
    };
    Some(Recognized::Other { what, lock: None })
}

/// PostgreSQL `UPDATE t SET a[1] = …` (a subscripted target, sqlparser reads
/// none): each subscript is written as a field of the column (`a."[1]"`),
/// which is what it is — a part of the column assigned — so that the rest of
/// the statement is parsed as written.
fn pg_update_subscripts(
    slice: &[TokenWithSpan],
    toks: &[&Token],
    words: &[String],
) -> Option<Recognized> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mut depth = 0i32;
    let set = (0..toks.len()).find(|&j| {
        match toks[j] {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        depth == 0 && w(j) == "SET"
    })?;
    let mut edits = Vec::new();
    let mut subscripts = Vec::new();
    let mut at_target = true;
    let mut j = set + 1;
    depth = 0;
    while j < toks.len() {
        match toks[j] {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                at_target = true;
                j += 1;
                continue;
            }
            _ => {}
        }
        if depth == 0 && matches!(w(j), "FROM" | "WHERE" | "RETURNING") {
            break;
        }
        if !(at_target && matches!(toks[j], Token::Word(_))) {
            at_target = false;
            j += 1;
            continue;
        }
        at_target = false;
        let mut k = j + 1;
        while matches!(toks.get(k), Some(Token::Period))
            && matches!(toks.get(k + 1), Some(Token::Word(_)))
        {
            k += 2;
        }
        let first = k;
        while matches!(toks.get(k), Some(Token::LBracket)) {
            k += closing(&toks[k..])? + 1;
        }
        if k > first && matches!(toks.get(k), Some(Token::Eq)) {
            let text = value_text(&toks[first..k]);
            let field = Token::Word(sqlparser::tokenizer::Word {
                value: text.clone(),
                quote_style: Some('"'),
                keyword: sqlparser::keywords::Keyword::NoKeyword,
            });
            edits.push((first, vec![Token::Period, field]));
            edits.extend((first + 1..k).map(|i| (i, Vec::new())));
            subscripts.push(text);
        }
        j = k;
    }
    if edits.is_empty() {
        return None;
    }
    with_clause(slice, &edits, &subscripts.join(" "), Dialect::Postgres)
}

/// The offset of the bracket closing the one `toks` starts with.
fn closing(toks: &[&Token]) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
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

/// SQLite `ALTER TABLE t ADD [COLUMN] c [type words] {AFTER d | FIRST}
/// [constraints]`: MySQL's column position, which SQLite takes as part of
/// the declared type (the column is added last). The statement is parsed
/// without the position, then given the type SQLite records.
fn sqlite_column_position(
    slice: &[TokenWithSpan],
    toks: &[&Token],
    words: &[String],
) -> Option<Recognized> {
    use sqlparser::ast::{AlterTableOperation, DataType, Ident, ObjectName, Statement};
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let add = (3..words.len()).find(|&j| w(j) == "ADD")?;
    let name = if w(add + 1) == "COLUMN" {
        add + 2
    } else {
        add + 1
    };
    // The type's words, then the position: nothing but words in between.
    let mut p = name + 1;
    while matches!(toks.get(p), Some(Token::Word(_))) && !matches!(w(p), "AFTER" | "FIRST") {
        p += 1;
    }
    let count = match w(p) {
        "AFTER" if matches!(toks.get(p + 1), Some(Token::Word(_))) => 2,
        "FIRST" => 1,
        _ => return None,
    };
    let clause = value_words(&toks[p..p + count]);
    let declared = value_words(&toks[name + 1..p + count]);
    let edits: Vec<(usize, Vec<Token>)> = (p..p + count).map(|j| (j, Vec::new())).collect();
    let mut statement = parse_tokens(&edited(slice, &edits), Dialect::Sqlite).ok()?;
    let Statement::AlterTable(at) = &mut statement else {
        return None;
    };
    let [AlterTableOperation::AddColumn { column_def, .. }] = at.operations.as_mut_slice() else {
        return None;
    };
    column_def.data_type = DataType::Custom(ObjectName::from(vec![Ident::new(declared)]), vec![]);
    Some(Recognized::WithClause {
        statement: Box::new(statement),
        clause,
    })
}

/// Word tokens as written, joined by spaces (`TEXT AFTER "d"`).
fn value_words(toks: &[&Token]) -> String {
    toks.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(" ")
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
    let edits: Vec<(usize, Vec<Token>)> = (at..at + count).map(|i| (i, Vec::new())).collect();
    with_clause(slice, &edits, clause, dialect)
}

/// Re-parses the statement with some of its non-whitespace tokens edited:
/// each `(index, tokens)` puts `tokens` in place of the token at that
/// non-whitespace index (none: the token is dropped). The result is the
/// statement with `clause` recorded as what was set aside.
fn with_clause(
    slice: &[TokenWithSpan],
    edits: &[(usize, Vec<Token>)],
    clause: &str,
    dialect: Dialect,
) -> Option<Recognized> {
    let statement = parse_tokens(&edited(slice, edits), dialect).ok()?;
    Some(Recognized::WithClause {
        statement: Box::new(statement),
        clause: clause.to_string(),
    })
}

/// The tokens with the edits of [`with_clause`] made (a token put in place
/// of another keeps its position).
fn edited(slice: &[TokenWithSpan], edits: &[(usize, Vec<Token>)]) -> Vec<TokenWithSpan> {
    let mut kept = Vec::with_capacity(slice.len());
    let mut nth = 0usize;
    for t in slice {
        if matches!(t.token, Token::Whitespace(_)) {
            kept.push(t.clone());
            continue;
        }
        match edits.iter().find(|(i, _)| *i == nth) {
            Some((_, put)) => kept.extend(put.iter().map(|p| TokenWithSpan {
                token: p.clone(),
                span: t.span,
            })),
            None => kept.push(t.clone()),
        }
        nth += 1;
    }
    kept
}

/// The tokens as written, joined by spaces, upper case: a clause's text.
fn clause_text(toks: &[&Token]) -> String {
    toks.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
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
/// PostgreSQL 18's table-level `[CONSTRAINT c] NOT NULL col` entries of a
/// `CREATE TABLE`, which sqlparser rejects: the statement is parsed
/// without them and their columns get `NOT NULL`. The clause lists them
/// (`CONSTRAINT c NOT NULL col`), for `syntax-needs-server-version`.
fn pg18_not_null_entries(
    slice: &[TokenWithSpan],
    toks: &[&Token],
    words: &[String],
) -> Option<Recognized> {
    use sqlparser::ast::{ColumnOption, ColumnOptionDef, Statement};
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let open = toks.iter().position(|t| *t == &Token::LParen)?;
    let mut depth = 0usize;
    let mut edits: Vec<(usize, Vec<Token>)> = Vec::new();
    let mut clauses = Vec::new();
    let mut columns = Vec::new();
    let mut j = open;
    while j < toks.len() {
        match toks[j] {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                // `, [CONSTRAINT c] NOT NULL col [NO INHERIT]` up to the
                // next comma or the closing parenthesis.
                let mut k = j + 1;
                if w(k) == "CONSTRAINT" {
                    k += 2;
                }
                if w(k) == "NOT"
                    && w(k + 1) == "NULL"
                    && matches!(toks.get(k + 2), Some(Token::Word(_)))
                {
                    let mut end = k + 3;
                    if w(end) == "NO" && w(end + 1) == "INHERIT" {
                        end += 2;
                    }
                    if !matches!(toks.get(end), Some(Token::Comma | Token::RParen)) {
                        return None;
                    }
                    columns.push(crate::model::object_text(&toks[k + 2].to_string()));
                    clauses.push(clause_text(&toks[j + 1..end]));
                    edits.extend((j..end).map(|e| (e, Vec::new())));
                    j = end;
                    continue;
                }
            }
            _ => {}
        }
        j += 1;
    }
    if edits.is_empty() {
        return None;
    }
    let mut statement = parse_tokens(&edited(slice, &edits), Dialect::Postgres).ok()?;
    let Statement::CreateTable(ct) = &mut statement else {
        return None;
    };
    for name in &columns {
        let column = ct
            .columns
            .iter_mut()
            .find(|c| crate::model::object_text(&c.name.to_string()) == *name)?;
        if !column
            .options
            .iter()
            .any(|o| o.option == ColumnOption::NotNull)
        {
            column.options.push(ColumnOptionDef {
                name: None,
                option: ColumnOption::NotNull,
            });
        }
    }
    Some(Recognized::WithClause {
        statement: Box::new(statement),
        clause: clauses.join(", "),
    })
}

/// What the schema model can still learn from a statement nothing could
/// parse: a `CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name (…)` creates
/// `name`, with the columns its list names (constraint entries skipped).
pub fn learn(slice: &[TokenWithSpan]) -> Option<crate::statement::Learnt> {
    let toks: Vec<&Token> = slice
        .iter()
        .map(|t| &t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let words: Vec<String> = toks.iter().map(|t| upper_word(t)).collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    if w(0) != "CREATE" {
        return None;
    }
    let mut i = 1;
    while matches!(
        w(i),
        "OR" | "REPLACE" | "GLOBAL" | "LOCAL" | "TEMP" | "TEMPORARY" | "UNLOGGED"
    ) {
        i += 1;
    }
    if w(i) != "TABLE" {
        return None;
    }
    i += 1;
    if w(i) == "IF" && w(i + 1) == "NOT" && w(i + 2) == "EXISTS" {
        i += 3;
    }
    let name = name_at(&toks, i)?;
    let open = (i..toks.len()).find(|&j| toks[j] == &Token::LParen)?;
    const NOT_A_COLUMN: &[&str] = &[
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "FOREIGN",
        "CHECK",
        "EXCLUDE",
        "LIKE",
        "KEY",
        "INDEX",
        "FULLTEXT",
        "SPATIAL",
        "PERIOD",
    ];
    const TYPE_ENDS: &[&str] = &[
        "NOT",
        "NULL",
        "DEFAULT",
        "PRIMARY",
        "REFERENCES",
        "UNIQUE",
        "CHECK",
        "CONSTRAINT",
        "GENERATED",
        "COLLATE",
        "AUTO_INCREMENT",
        "COMMENT",
        "AS",
        "ON",
    ];
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut entry_start = true;
    let mut j = open;
    while j < toks.len() {
        match toks[j] {
            Token::LParen => {
                depth += 1;
                if depth == 1 {
                    entry_start = true;
                    j += 1;
                    continue;
                }
            }
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                entry_start = true;
                j += 1;
                continue;
            }
            Token::Word(word) if depth == 1 && entry_start => {
                entry_start = false;
                if word.quote_style.is_none() && NOT_A_COLUMN.contains(&words[j].as_str()) {
                    j += 1;
                    continue;
                }
                // The type: words and their parenthesized arguments, up to a
                // constraint keyword or the end of the entry.
                let mut ty = Vec::new();
                let mut k = j + 1;
                let mut inner = 0usize;
                while k < toks.len() {
                    match toks[k] {
                        Token::LParen => inner += 1,
                        Token::RParen if inner == 0 => break,
                        Token::RParen => inner -= 1,
                        Token::Comma if inner == 0 => break,
                        Token::Word(_) if inner == 0 && TYPE_ENDS.contains(&words[k].as_str()) => {
                            break;
                        }
                        _ => {}
                    }
                    ty.push(toks[k].to_string());
                    k += 1;
                }
                let mut end = k;
                let mut inner = 0usize;
                while end < toks.len() {
                    match toks[end] {
                        Token::LParen => inner += 1,
                        Token::RParen if inner == 0 => break,
                        Token::RParen => inner -= 1,
                        Token::Comma if inner == 0 => break,
                        _ => {}
                    }
                    end += 1;
                }
                let declared = &words[k..end];
                let not_null = declared.windows(2).any(|p| {
                    (p[0] == "NOT" && p[1] == "NULL") || (p[0] == "PRIMARY" && p[1] == "KEY")
                });
                let ty = ty
                    .join(" ")
                    .replace(" (", "(")
                    .replace("( ", "(")
                    .replace(" )", ")")
                    .replace(" ,", ",")
                    .to_ascii_uppercase();
                columns.push((word.value.clone(), ty, not_null));
                j = end;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    Some(crate::statement::Learnt::CreatesTable { name, columns })
}

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

    /// The `what` of an `Other` recognition, with its lock.
    fn other(sql: &str, d: Dialect) -> (String, Option<(String, LockMode)>) {
        match rec(sql, d) {
            Some(Recognized::Other { what, lock }) => (what, lock),
            r => panic!("{sql}: {r:?}"),
        }
    }

    /// The statement recovered and the clause set aside.
    fn recovered(sql: &str, d: Dialect) -> (sqlparser::ast::Statement, String) {
        match rec(sql, d) {
            Some(Recognized::WithClause { statement, clause }) => (*statement, clause),
            r => panic!("{sql}: {r:?}"),
        }
    }

    #[test]
    fn postgres_sequences_types_statistics_event_triggers() {
        let pg = Dialect::Postgres;
        for (sql, what) in [
            ("ALTER SEQUENCE s RESTART", "ALTER SEQUENCE RESTART"),
            ("ALTER SEQUENCE s RESTART WITH 10", "ALTER SEQUENCE RESTART"),
            (
                "ALTER SEQUENCE public.s RENAME TO s2",
                "ALTER SEQUENCE RENAME TO",
            ),
            (
                "ALTER SEQUENCE IF EXISTS s INCREMENT BY 2 MINVALUE 1 MAXVALUE 1000 CACHE 5 NO CYCLE",
                "ALTER SEQUENCE INCREMENT",
            ),
            (
                "ALTER SEQUENCE s AS bigint START WITH 5",
                "ALTER SEQUENCE AS",
            ),
            (
                "ALTER SEQUENCE s SET SCHEMA archive",
                "ALTER SEQUENCE SET SCHEMA",
            ),
            ("ALTER SEQUENCE s OWNED BY t.id", "ALTER SEQUENCE OWNED BY"),
            ("ALTER TYPE mood SET SCHEMA y", "ALTER TYPE SET SCHEMA"),
            (
                "DROP STATISTICS IF EXISTS st1, public.st2",
                "DROP STATISTICS",
            ),
            ("DROP STATISTICS st1 CASCADE", "DROP STATISTICS"),
            ("DROP EVENT TRIGGER IF EXISTS e", "DROP EVENT TRIGGER"),
            ("DROP EVENT TRIGGER e", "DROP EVENT TRIGGER"),
        ] {
            assert_eq!(other(sql, pg), (what.to_string(), None), "{sql}");
        }
        assert_eq!(rec("ALTER SEQUENCE s FROBNICATE", pg), None);
        assert_eq!(rec("ALTER TYPE mood SET SCHEMA", pg), None);
        assert_eq!(rec("DROP EVENT TRIGGER a, b", pg), None);
    }

    #[test]
    fn postgres_alter_constraint_and_identity_restart() {
        let pg = Dialect::Postgres;
        for sql in [
            "ALTER TABLE ch ALTER CONSTRAINT ch_fk DEFERRABLE INITIALLY DEFERRED",
            "ALTER TABLE ch ALTER CONSTRAINT ch_fk NOT DEFERRABLE",
            "ALTER TABLE IF EXISTS public.ch ALTER CONSTRAINT ch_fk DEFERRABLE INITIALLY IMMEDIATE",
        ] {
            assert!(
                matches!(
                    rec(sql, pg),
                    Some(Recognized::AlterTable { table, action: TableAction::Metadata { what, lock: LockMode::AccessExclusive } })
                        if table.ends_with("ch") && what == "ALTER CONSTRAINT"
                ),
                "{sql}"
            );
        }
        assert_eq!(
            rec("ALTER TABLE ch ALTER CONSTRAINT ch_fk RENAME", pg),
            None
        );
        use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Statement};
        for (sql, clause) in [
            (
                "ALTER TABLE t ALTER k ADD GENERATED BY DEFAULT AS IDENTITY (RESTART 5)",
                "RESTART 5",
            ),
            (
                "ALTER TABLE t ALTER COLUMN k ADD GENERATED ALWAYS AS IDENTITY (START WITH 10 RESTART WITH 20 INCREMENT BY 2)",
                "RESTART WITH 20",
            ),
        ] {
            let (statement, got) = recovered(sql, pg);
            assert_eq!(got, clause, "{sql}");
            let Statement::AlterTable(at) = statement else {
                panic!("{sql}")
            };
            assert!(
                matches!(
                    &at.operations[..],
                    [AlterTableOperation::AlterColumn {
                        op: AlterColumnOperation::AddGenerated { .. },
                        ..
                    }]
                ),
                "{sql}"
            );
        }
    }

    #[test]
    fn postgres_functions_comments_index_renames_updates_vacuum() {
        use sqlparser::ast::{AssignmentTarget, Statement};
        let pg = Dialect::Postgres;
        for (sql, clause) in [
            (
                "CREATE OR REPLACE FUNCTION f1(i int4) RETURNS int LANGUAGE sql COST 100 AS $$ SELECT i $$",
                "COST 100",
            ),
            (
                "CREATE FUNCTION f2() RETURNS SETOF int AS $$ BEGIN RETURN NEXT 1; END $$ LANGUAGE plpgsql volatile cost 100 ROWS 10",
                "COST 100 ROWS 10",
            ),
            (
                "CREATE FUNCTION f3() RETURNS SETOF int ROWS 5 COST 10 AS $$ SELECT 1 $$ LANGUAGE sql",
                "ROWS 5 COST 10",
            ),
        ] {
            let (statement, got) = recovered(sql, pg);
            assert_eq!(got, clause, "{sql}");
            assert!(matches!(statement, Statement::CreateFunction(_)), "{sql}");
        }
        let (statement, clause) = recovered("COMMENT ON FUNCTION f1(int4) IS 'hi'", pg);
        assert_eq!(clause, "(int4)");
        assert!(matches!(statement, Statement::Comment { .. }));
        assert_eq!(
            other("COMMENT ON CONSTRAINT ch_fk ON public.ch IS 'fk'", pg),
            (
                "COMMENT ON CONSTRAINT".into(),
                Some(("public.ch".into(), LockMode::AccessShare))
            )
        );
        assert_eq!(
            other("COMMENT ON CONSTRAINT c ON DOMAIN d IS 'x'", pg),
            ("COMMENT ON CONSTRAINT".into(), None)
        );
        let (statement, clause) = recovered("ALTER INDEX IF EXISTS ia RENAME TO ib", pg);
        assert_eq!(clause, "IF EXISTS");
        assert!(matches!(statement, Statement::AlterIndex { .. }));
        // A subscript is a part of the column: what a field assignment is.
        for (sql, subscripts, targets) in [
            ("UPDATE t SET a[1] = 1", "[1]", vec!["a.\"[1]\""]),
            (
                "UPDATE t b SET a[2] = 3, x = a[1], j['k'][2] = '1' WHERE b.id = 1",
                "[2] ['k'][2]",
                vec!["a.\"[2]\"", "x", "j.\"['k'][2]\""],
            ),
        ] {
            let (statement, got) = recovered(sql, pg);
            assert_eq!(got, subscripts, "{sql}");
            let Statement::Update(u) = statement else {
                panic!("{sql}")
            };
            let names: Vec<String> = u
                .assignments
                .iter()
                .map(|a| match &a.target {
                    AssignmentTarget::ColumnName(n) => n.to_string(),
                    t => panic!("{t}"),
                })
                .collect();
            assert_eq!(names, targets, "{sql}");
            assert!(u.selection.is_some() == sql.contains("WHERE"));
        }
        assert_eq!(
            rec("VACUUM (FULL false) t", pg),
            Some(Recognized::Vacuum {
                full: false,
                tables: vec!["t".into()]
            })
        );
        assert_eq!(
            rec("VACUUM (FULL true, ANALYZE) t", pg),
            Some(Recognized::Vacuum {
                full: true,
                tables: vec!["t".into()]
            })
        );
    }

    #[test]
    fn mysql_variables_prepared_statements_multi_table_updates() {
        use sqlparser::ast::Statement;
        let my = Dialect::MySql;
        for sql in [
            "SET @v := (SELECT COUNT(*) FROM t1)",
            "SET @a := 1, @b := 2",
        ] {
            let (statement, clause) = recovered(sql, my);
            assert_eq!(clause, ":=", "{sql}");
            assert!(matches!(statement, Statement::Set(_)), "{sql}");
        }
        for (sql, what) in [
            ("PREPARE s FROM @sql", "PREPARE"),
            ("PREPARE s2 FROM 'SELECT ? + ?'", "PREPARE"),
            ("DROP PREPARE s2", "DROP PREPARE"),
        ] {
            assert_eq!(other(sql, my), (what.to_string(), None), "{sql}");
        }
        assert_eq!(rec("PREPARE s FROM t", my), None);
        let (statement, clause) =
            recovered("UPDATE t1 a, t2 b SET a.x = b.x WHERE a.id = b.id", my);
        assert_eq!(clause, ", (CROSS JOIN)");
        let Statement::Update(u) = statement else {
            panic!()
        };
        assert_eq!(u.table.to_string(), "t1 a CROSS JOIN t2 b");
        assert!(u.selection.is_some());
    }

    #[test]
    fn sqlite_reads_a_mysql_column_position_as_part_of_the_type() {
        use sqlparser::ast::{AlterTableOperation, ColumnOption, Statement};
        for (sql, clause, declared) in [
            (
                "ALTER TABLE t ADD COLUMN c TEXT AFTER d",
                "AFTER d",
                "TEXT AFTER d",
            ),
            ("ALTER TABLE t ADD c TEXT FIRST", "FIRST", "TEXT FIRST"),
            ("ALTER TABLE t ADD COLUMN f AFTER d", "AFTER d", "AFTER d"),
            (
                "ALTER TABLE t ADD COLUMN g INT AFTER \"d\" NOT NULL DEFAULT 0",
                "AFTER \"d\"",
                "INT AFTER \"d\"",
            ),
        ] {
            let (statement, got) = recovered(sql, Dialect::Sqlite);
            assert_eq!(got, clause, "{sql}");
            let Statement::AlterTable(at) = statement else {
                panic!("{sql}")
            };
            let [AlterTableOperation::AddColumn { column_def, .. }] = &at.operations[..] else {
                panic!("{sql}")
            };
            assert_eq!(column_def.data_type.to_string(), declared, "{sql}");
            assert_eq!(
                column_def
                    .options
                    .iter()
                    .any(|o| matches!(o.option, ColumnOption::NotNull)),
                sql.contains("NOT NULL"),
                "{sql}"
            );
        }
        // SQLite rejects a position after a parenthesized type or a constraint.
        assert_eq!(
            rec(
                "ALTER TABLE t ADD COLUMN e varchar(10) AFTER d",
                Dialect::Sqlite
            ),
            None
        );
        assert_eq!(
            rec(
                "ALTER TABLE t ADD COLUMN e TEXT NOT NULL DEFAULT '' AFTER d",
                Dialect::Sqlite
            ),
            None
        );
    }

    #[test]
    fn garbage_is_not_recognized() {
        assert_eq!(rec("CREATE TABLE (", Dialect::Postgres), None);
        assert_eq!(rec("REINDEX nothing", Dialect::Postgres), None);
    }
}

#[cfg(test)]
mod learn_tests {
    use crate::config::Dialect;
    use crate::source::SourceFile;
    use crate::statement::Learnt;

    fn learn(sql: &str) -> Option<Learnt> {
        let file = SourceFile::from_text("x.sql", "x.sql", sql);
        let lexed = crate::parse::lex(&file, Dialect::Postgres);
        super::learn(&lexed.tokens)
    }

    #[test]
    fn a_create_table_names_its_table_and_columns() {
        let Some(Learnt::CreatesTable { name, columns }) = learn(
            "CREATE UNLOGGED TABLE IF NOT EXISTS app.events (id bigint PRIMARY KEY, kind varchar(20) NOT NULL, at double precision DEFAULT now(), CONSTRAINT k NOT NULL kind, UNIQUE (kind, at))",
        ) else {
            panic!("learnt nothing");
        };
        assert_eq!(name, "app.events");
        assert_eq!(
            columns,
            [
                ("id".to_string(), "BIGINT".to_string(), true),
                ("kind".to_string(), "VARCHAR(20)".to_string(), true),
                ("at".to_string(), "DOUBLE PRECISION".to_string(), false),
            ]
        );
        assert_eq!(learn("CREATE INDEX i ON t (a)"), None);
        assert_eq!(learn("DROP TABLE t"), None);
    }
}
