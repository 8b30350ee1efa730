//! A token-level reading of a PL/pgSQL body (the body of a `DO` block):
//! its loops, the DML statements inside them, and its transaction control.
//!
//! sqlparser does not parse PL/pgSQL, but its tokenizer does: comments and
//! string literals come out as single tokens, so a `COMMIT` in a comment or
//! an `'UPDATE'` in a message never counts. Block structure is tracked with a
//! stack: `BEGIN … END`, `[WHILE …|FOR …] LOOP … END LOOP`, `CASE … END [CASE]`
//! (`IF … END IF` needs no frame: its `END` is never bare).

use std::ops::Range;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A DML statement found in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Dml {
    /// `UPDATE`, `DELETE`, `INSERT` or `MERGE`.
    pub verb: &'static str,
    /// The target table (normalized), when written literally.
    pub table: Option<String>,
    /// Byte range in the body (the keyword, or the `EXECUTE` and its string).
    pub at: Range<usize>,
}

/// What the body does.
#[derive(Debug, Default)]
pub(super) struct Body {
    /// DML inside a loop none of whose iterations commits.
    pub uncommitted_loop_dml: Vec<Dml>,
    /// `COMMIT` / `ROLLBACK` statements: byte ranges of the keywords.
    pub commits: Vec<Range<usize>>,
    /// A `COMMIT` / `ROLLBACK` inside a block that has an `EXCEPTION`
    /// clause (PostgreSQL: "cannot commit while a subtransaction is active").
    pub commit_in_exception_block: Option<Range<usize>>,
}

enum Frame {
    Block(usize),
    Loop { committed: bool, dml: Vec<Dml> },
    Case,
}

const DML: [&str; 4] = ["UPDATE", "DELETE", "INSERT", "MERGE"];

/// Reads a body. `None` when it cannot be tokenized or its blocks do not
/// balance: then nothing is claimed about it.
pub(super) fn scan(body: &str) -> Option<Body> {
    let toks = tokens(body)?;
    let word = |i: usize| toks.get(i).and_then(|(t, _)| keyword(t));
    let mut out = Body::default();
    let mut stack: Vec<Frame> = Vec::new();
    // Per BEGIN block: has an EXCEPTION clause.
    let mut blocks: Vec<bool> = Vec::new();
    // Per COMMIT: the blocks around it.
    let mut commit_blocks: Vec<(Range<usize>, Vec<usize>)> = Vec::new();
    for (i, (tok, range)) in toks.iter().enumerate() {
        let Some(w) = keyword(tok) else { continue };
        let prev = i.checked_sub(1).map(|p| &toks[p].0);
        let starts = statement_start(prev);
        let after_end = i > 0 && word(i - 1).as_deref() == Some("END");
        match w.as_str() {
            "LOOP" if after_end => match stack.pop()? {
                Frame::Loop { committed, dml } => {
                    if !committed {
                        out.uncommitted_loop_dml.extend(dml);
                    }
                }
                _ => return None,
            },
            "LOOP" => stack.push(Frame::Loop {
                committed: false,
                dml: Vec::new(),
            }),
            "CASE" if after_end => match stack.pop()? {
                Frame::Case => {}
                _ => return None,
            },
            "CASE" => stack.push(Frame::Case),
            "BEGIN" => {
                stack.push(Frame::Block(blocks.len()));
                blocks.push(false);
            }
            "END" => {
                if matches!(word(i + 1).as_deref(), Some("LOOP" | "IF" | "CASE")) {
                    continue;
                }
                match stack.pop()? {
                    Frame::Block(_) | Frame::Case => {}
                    Frame::Loop { .. } => return None,
                }
            }
            "EXCEPTION" if starts => {
                if let Some(Frame::Block(b)) = stack.last() {
                    blocks[*b] = true;
                }
            }
            "COMMIT" | "ROLLBACK" if starts => {
                for f in &mut stack {
                    if let Frame::Loop { committed, .. } = f {
                        *committed = true;
                    }
                }
                let around = stack
                    .iter()
                    .filter_map(|f| match f {
                        Frame::Block(b) => Some(*b),
                        _ => None,
                    })
                    .collect();
                out.commits.push(range.clone());
                commit_blocks.push((range.clone(), around));
            }
            "EXECUTE" if starts => {
                if let Some(dml) = dynamic_dml(&toks, i) {
                    record(&mut stack, dml);
                }
            }
            verb if starts => {
                if let Some(verb) = DML.iter().find(|d| **d == verb) {
                    let dml = Dml {
                        verb,
                        table: target(&toks, i + 1),
                        at: range.clone(),
                    };
                    record(&mut stack, dml);
                }
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return None;
    }
    out.commit_in_exception_block = commit_blocks
        .into_iter()
        .find(|(_, around)| around.iter().any(|b| blocks[*b]))
        .map(|(r, _)| r);
    Some(out)
}

/// Files a DML statement under the innermost loop around it, if any.
fn record(stack: &mut [Frame], dml: Dml) {
    if let Some(Frame::Loop { dml: list, .. }) = stack
        .iter_mut()
        .rev()
        .find(|f| matches!(f, Frame::Loop { .. }))
    {
        list.push(dml);
    }
}

/// Whether a token can stand right before the first word of a PL/pgSQL
/// statement (or of a CTE's body): not `FOR UPDATE`, `DO UPDATE`,
/// `ON DELETE`, `RAISE EXCEPTION`, …
fn statement_start(prev: Option<&Token>) -> bool {
    match prev {
        None => true,
        Some(Token::SemiColon | Token::LParen | Token::RParen | Token::ShiftRight) => true,
        Some(t) => matches!(
            keyword(t).as_deref(),
            Some("LOOP" | "THEN" | "ELSE" | "BEGIN")
        ),
    }
}

/// An unquoted word, upper case.
fn keyword(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

/// The table named at `i`: `[FROM|INTO] [ONLY] [schema.]name`.
fn target(toks: &[(Token, Range<usize>)], mut i: usize) -> Option<String> {
    while toks
        .get(i)
        .and_then(|(t, _)| keyword(t))
        .is_some_and(|w| matches!(w.as_str(), "FROM" | "INTO" | "ONLY"))
    {
        i += 1;
    }
    let mut name = None;
    while let Some((Token::Word(w), _)) = toks.get(i) {
        name = Some(if w.quote_style.is_some() {
            w.value.clone()
        } else {
            w.value.to_lowercase()
        });
        if toks.get(i + 1).map(|(t, _)| t) != Some(&Token::Period) {
            break;
        }
        i += 2;
    }
    name
}

/// `EXECUTE 'UPDATE …'` or `EXECUTE format('UPDATE …', …)`: the DML the
/// string runs, when its text starts with one.
fn dynamic_dml(toks: &[(Token, Range<usize>)], execute: usize) -> Option<Dml> {
    let string_at = |i: usize| match toks.get(i) {
        Some((Token::SingleQuotedString(s), r)) => Some((s.clone(), r.end)),
        Some((Token::DollarQuotedString(s), r)) => Some((s.value.clone(), r.end)),
        _ => None,
    };
    let (sql, end) = string_at(execute + 1).or_else(|| {
        let is_format = toks
            .get(execute + 1)
            .and_then(|(t, _)| keyword(t))
            .is_some_and(|w| w == "FORMAT");
        if is_format && toks.get(execute + 2).map(|(t, _)| t) == Some(&Token::LParen) {
            string_at(execute + 3)
        } else {
            None
        }
    })?;
    let inner = tokens(&sql)?;
    let first = inner.first().and_then(|(t, _)| keyword(t))?;
    let verb = DML.iter().find(|d| **d == first)?;
    Some(Dml {
        verb,
        table: target(&inner, 1),
        at: toks[execute].1.start..end,
    })
}

/// The significant tokens of a text (no whitespace, no comments), with
/// their byte ranges.
fn tokens(text: &str) -> Option<Vec<(Token, Range<usize>)>> {
    let toks = Tokenizer::new(&PostgreSqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let lines: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: u64, column: u64| -> usize {
        let Some(&start) = (line as usize).checked_sub(1).and_then(|l| lines.get(l)) else {
            return text.len();
        };
        text[start..]
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(text.len(), |(i, _)| start + i)
    };
    Some(
        toks.into_iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .map(|t| {
                let start = offset(t.span.start.line, t.span.start.column);
                let end = offset(t.span.end.line, t.span.end.column).max(start);
                (t.token, start..end)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uncommitted(body: &str) -> Vec<&'static str> {
        scan(body)
            .expect("scans")
            .uncommitted_loop_dml
            .iter()
            .map(|d| d.verb)
            .collect()
    }

    #[test]
    fn loop_without_commit_is_found_with_its_table() {
        let body = "DECLARE n bigint; BEGIN LOOP UPDATE public.orders SET s = 1 WHERE id IN (SELECT id FROM orders WHERE s IS NULL LIMIT 100 FOR UPDATE); GET DIAGNOSTICS n = ROW_COUNT; EXIT WHEN n = 0; END LOOP; END";
        let b = scan(body).unwrap();
        assert_eq!(b.uncommitted_loop_dml.len(), 1, "FOR UPDATE is no DML");
        let d = &b.uncommitted_loop_dml[0];
        assert_eq!(d.table.as_deref(), Some("orders"));
        assert_eq!(&body[d.at.clone()], "UPDATE");
        assert!(b.commits.is_empty());
    }

    #[test]
    fn commit_in_the_loop_clears_it() {
        assert!(
            uncommitted(
                "BEGIN LOOP DELETE FROM t WHERE id < 10; EXIT WHEN NOT FOUND; COMMIT; END LOOP; END"
            )
            .is_empty()
        );
        assert!(uncommitted("BEGIN WHILE true LOOP INSERT INTO t SELECT 1; IF x THEN COMMIT; END IF; END LOOP; END").is_empty());
    }

    #[test]
    fn comments_and_strings_do_not_count() {
        let body = "BEGIN LOOP UPDATE t SET a = 'COMMIT;'; -- COMMIT;\n /* COMMIT; */ RAISE NOTICE 'UPDATE'; END LOOP; END";
        assert_eq!(uncommitted(body), ["UPDATE"]);
        assert!(scan(body).unwrap().commits.is_empty());
        assert!(
            uncommitted("BEGIN LOOP RAISE NOTICE 'UPDATE t SET a = 1'; END LOOP; END").is_empty()
        );
    }

    #[test]
    fn commit_outside_the_inner_loop_does_not_clear_it() {
        let body = "BEGIN FOR r IN SELECT id FROM batches LOOP LOOP UPDATE t SET a = 1 WHERE b = r.id; EXIT; END LOOP; COMMIT; END LOOP; END";
        assert_eq!(uncommitted(body), ["UPDATE"]);
        let outer = "BEGIN <<o>> FOR i IN 1..10 LOOP UPDATE t SET a = i WHERE b = i; FOR j IN 1..2 LOOP COMMIT; END LOOP; END LOOP o; END";
        assert!(uncommitted(outer).is_empty());
    }

    #[test]
    fn case_expressions_and_statements_keep_the_nesting() {
        let body = "BEGIN LOOP UPDATE t SET a = CASE WHEN b THEN 1 ELSE 2 END; CASE x WHEN 1 THEN COMMIT; ELSE NULL; END CASE; END LOOP; END";
        assert!(uncommitted(body).is_empty());
    }

    #[test]
    fn dml_outside_loops_and_upserts_are_not_loop_dml() {
        assert!(uncommitted("BEGIN UPDATE t SET a = 1; END").is_empty());
        let upsert = "BEGIN FOR r IN SELECT * FROM s LOOP INSERT INTO t VALUES (r.id) ON CONFLICT (id) DO UPDATE SET a = 1; END LOOP; END";
        assert_eq!(uncommitted(upsert), ["INSERT"]);
    }

    #[test]
    fn dynamic_sql_is_read() {
        let b = scan("BEGIN LOOP EXECUTE format('DELETE FROM %I WHERE id < 5', tbl); EXECUTE 'UPDATE big SET a = 1'; END LOOP; END").unwrap();
        let found: Vec<_> = b
            .uncommitted_loop_dml
            .iter()
            .map(|d| (d.verb, d.table.clone()))
            .collect();
        assert_eq!(
            found,
            [("DELETE", None), ("UPDATE", Some("big".to_string()))]
        );
    }

    #[test]
    fn commit_inside_an_exception_block_is_found() {
        let b = scan("BEGIN LOOP BEGIN UPDATE t SET a = 1; COMMIT; EXCEPTION WHEN others THEN RAISE EXCEPTION 'x'; END; END LOOP; END").unwrap();
        assert!(b.commit_in_exception_block.is_some());
        let ok =
            scan("BEGIN LOOP UPDATE t SET a = 1; COMMIT; END LOOP; RAISE EXCEPTION 'done'; END")
                .unwrap();
        assert!(ok.commit_in_exception_block.is_none());
    }

    #[test]
    fn unbalanced_bodies_claim_nothing() {
        assert!(scan("BEGIN LOOP UPDATE t SET a = 1; END").is_none());
        assert!(scan("BEGIN 'unterminated").is_none());
    }
}
