//! Lexing a file once, splitting sections into statements at top-level `;`,
//! and parsing each statement on its own so that one statement sqlparser
//! rejects costs one diagnostic, never the checking of the rest.

use std::ops::Range;

use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

use crate::config::Dialect;
use crate::recognize;
use crate::source::SourceFile;
use crate::statement::{Stmt, StmtKind};

/// A file's tokens, and where the tokenizer gave up (if it did).
pub struct Lexed {
    /// Every token, whitespace and comments included, with file positions.
    pub tokens: Vec<TokenWithSpan>,
    /// Tokenizer errors: message and byte range of the text that was skipped.
    pub errors: Vec<(String, Range<usize>)>,
    /// Token indices where tokenizing resumed after an error: a statement
    /// never spans one.
    pub breaks: Vec<usize>,
}

/// Tokenizes a whole file. When the tokenizer fails (an unterminated quote,
/// say), the text from the error to the end of its line is reported and
/// skipped, and tokenizing resumes on the next line, so that section markers
/// and later statements are still seen.
pub fn lex(file: &SourceFile, dialect: Dialect) -> Lexed {
    // About one token (whitespace included) per 3 bytes of SQL: reserving
    // avoids regrowing (and copying) a large vector while tokenizing.
    let mut tokens = Vec::with_capacity(file.text.len() / 3 + 16);
    let mut errors = Vec::new();
    let mut breaks = Vec::new();
    let mut start = 0usize; // byte offset where this round starts
    let mut line_offset = 0u64;
    let text = client_delimiters(&file.text, dialect);
    loop {
        let chunk = &text[start..];
        let before = tokens.len();
        let result = Tokenizer::new(dialect.sqlparser(), chunk)
            .with_unescape(false)
            .tokenize_with_location_into_buf(&mut tokens);
        if line_offset > 0 {
            for t in &mut tokens[before..] {
                shift(&mut t.span.start, line_offset);
                shift(&mut t.span.end, line_offset);
            }
        }
        // The tokenizer pushes an EOF token only on success paths of
        // `tokenize_with_location`; drop any so statements end cleanly.
        tokens.retain(|t| t.token != Token::EOF);
        let Err(e) = result else { break };
        // The failing token starts at the first non-blank character after the
        // last token the tokenizer finished (its own error location can be the
        // end of the file, for an unclosed comment or dollar quote).
        let last_end = tokens[before..]
            .last()
            .map_or(start, |t| file.offset(t.span.end.line, t.span.end.column))
            .max(start);
        let rest = &text[last_end..];
        let err_at = last_end + (rest.len() - rest.trim_start().len());
        let line_end = text[err_at..].find('\n').map_or(text.len(), |i| err_at + i);
        errors.push((e.message.clone(), err_at..line_end));
        // The statement the bad token belongs to ends here: what follows is
        // split afresh, so one bad token costs one statement.
        breaks.push(tokens.len());
        // An unclosed block comment or dollar quote is reported at the end of
        // the input: it swallows the rest of the file on the server too, so
        // nothing after it is read. An unclosed string is reported where it
        // opens: resume on the next line, so later statements are checked.
        let mut loc = e.location;
        shift(&mut loc, line_offset);
        let swallowed = file.offset(loc.line, loc.column) >= text.trim_end().len();
        if swallowed || line_end + 1 >= text.len() {
            break;
        }
        start = line_end + 1;
        line_offset = u64::from(file.line_col(start).0) - 1;
    }
    Lexed {
        tokens,
        errors,
        breaks,
    }
}

/// The text as the MySQL client and Flyway read it: a `DELIMITER $$` line
/// is a command to the client, not SQL, and until `DELIMITER ;` a statement
/// ends at `$$` instead of `;` (so that a procedure body's own `;` stay in
/// it). The command lines are blanked, a `;` before the delimiter becomes a
/// space and each closing delimiter a `;` padded with spaces: every byte
/// keeps its offset, so positions in the file stay true, and the text a
/// statement runs is cut from the file as written. Other dialects, and
/// files without the command, are unchanged.
///
/// ```
/// use migrate_check::{Dialect, parse::client_delimiters};
/// let sql = "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\nSELECT 2;\n";
/// let read = client_delimiters(sql, Dialect::MySql);
/// assert_eq!(read, "            \nCREATE PROCEDURE p() BEGIN SELECT 1  END; \n           \nSELECT 2;\n");
/// assert_eq!(read.len(), sql.len());
/// ```
pub fn client_delimiters(text: &str, dialect: Dialect) -> std::borrow::Cow<'_, str> {
    let is_command = |line: &str| {
        let line = line.trim_start();
        line.len() > 10
            && line.is_char_boundary(10)
            && line[..10].eq_ignore_ascii_case("delimiter ")
    };
    if dialect != Dialect::MySql || !text.lines().any(is_command) {
        return std::borrow::Cow::Borrowed(text);
    }
    let blank =
        |s: &str| -> String { s.chars().map(|c| if c == '\r' { c } else { ' ' }).collect() };
    let mut out = String::with_capacity(text.len());
    let mut delimiter = String::from(";");
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if is_command(body) {
            let word = body.trim_start()[10..]
                .split_whitespace()
                .next()
                .unwrap_or(";");
            delimiter = word.to_string();
            out.push_str(&blank(body));
        } else if delimiter != ";" {
            // Until the delimiter, a `;` belongs to the statement (a
            // procedure's `END IF;`): only the delimiter ends it, and
            // `END$$` becomes `END; `. (Only the tokenizer reads this text:
            // a statement's own text is cut from the file as written.)
            let body = body.replace(';', " ");
            match body.trim_end().strip_suffix(delimiter.as_str()) {
                Some(before) => {
                    out.push_str(before);
                    out.push(';');
                    out.push_str(&" ".repeat(delimiter.len() - 1));
                    out.push_str(&body[body.trim_end().len()..]);
                }
                None => out.push_str(&body),
            }
        } else {
            out.push_str(body);
        }
        out.push_str(end);
    }
    std::borrow::Cow::Owned(out)
}

fn shift(loc: &mut Location, lines: u64) {
    if loc.line > 0 {
        loc.line += lines;
    }
}

/// A parse failure of one statement.
#[derive(Debug)]
pub struct ParseFailure {
    /// sqlparser's message, without its own position suffix.
    pub message: String,
    /// Byte range to point at: the offending token when sqlparser names it.
    pub span: Range<usize>,
}

/// Splits `tokens[range]` into statements at top-level `;` and parses each.
/// Returns the statements (each with its token range) and the failures.
///
/// The statements' tokens are moved out of `lexed` (not copied) into the
/// parser: each token belongs to one statement, and is not needed after.
pub fn split_and_parse(
    file: &SourceFile,
    lexed: &mut Lexed,
    range: Range<usize>,
    dialect: Dialect,
) -> Vec<(Stmt, Range<usize>, Option<ParseFailure>)> {
    let tokens = &mut lexed.tokens;
    let mut out = Vec::new();
    let mut stmt_start: Option<usize> = None;
    let mut splitter = Splitter::default();
    let mut breaks = lexed
        .breaks
        .iter()
        .copied()
        .filter(|b| range.contains(b))
        .peekable();
    for i in range.clone() {
        if breaks.next_if_eq(&i).is_some() {
            // Tokenizing resumed here after an error already reported: drop
            // the broken statement's beginning and start afresh.
            stmt_start = None;
            splitter = Splitter::default();
        }
        let tok = &tokens[i].token;
        if matches!(tok, Token::Whitespace(_)) {
            continue;
        }
        if *tok == Token::SemiColon && splitter.at_top_level() {
            let tokens = &mut *tokens;
            if let Some(s) = stmt_start.take() {
                out.push(parse_one(file, tokens, s..i, dialect));
            }
            splitter = Splitter::default();
            continue;
        }
        if stmt_start.is_none() {
            stmt_start = Some(i);
        }
        splitter.feed(tok);
    }
    if let Some(s) = stmt_start {
        // Trim trailing whitespace/comments from the last statement.
        let mut end = range.end;
        while end > s && matches!(tokens[end - 1].token, Token::Whitespace(_)) {
            end -= 1;
        }
        out.push(parse_one(file, tokens, s..end, dialect));
    }
    out
}

/// Tracks nesting that makes a `;` part of the statement rather than its end:
/// parentheses, and `BEGIN … END` bodies of triggers, functions and procedures
/// written without dollar quotes (SQLite, MySQL, PostgreSQL `BEGIN ATOMIC`).
#[derive(Default)]
struct Splitter {
    words: usize,
    routine: bool,
    parens: usize,
    blocks: usize,
    last_was_end: bool,
}

impl Splitter {
    fn at_top_level(&self) -> bool {
        self.parens == 0 && self.blocks == 0
    }

    fn feed(&mut self, tok: &Token) {
        let keyword = match tok {
            Token::Word(w) if w.quote_style.is_none() => Some(w.keyword),
            _ => None,
        };
        let word_is = |s: &str| matches!(tok, Token::Word(w) if w.value.eq_ignore_ascii_case(s));
        let after_end = std::mem::replace(&mut self.last_was_end, false);
        match tok {
            Token::LParen => self.parens += 1,
            Token::RParen => self.parens = self.parens.saturating_sub(1),
            _ => {}
        }
        let Some(kw) = keyword else { return };
        self.words += 1;
        if self.words <= 8
            && matches!(
                kw,
                Keyword::TRIGGER | Keyword::PROCEDURE | Keyword::FUNCTION | Keyword::EVENT
            )
        {
            self.routine = true;
        }
        if !self.routine {
            return;
        }
        match kw {
            // `END IF`, `END LOOP`, … close an inner construct, not a block.
            Keyword::IF | Keyword::WHILE if after_end => {}
            _ if after_end && (word_is("LOOP") || word_is("REPEAT")) => {}
            Keyword::CASE if after_end => {}
            Keyword::BEGIN => self.blocks += 1,
            Keyword::CASE if self.blocks > 0 => self.blocks += 1,
            Keyword::END if self.blocks > 0 => {
                self.blocks -= 1;
                self.last_was_end = true;
            }
            _ => {}
        }
    }
}

fn parse_one(
    file: &SourceFile,
    tokens: &mut [TokenWithSpan],
    range: Range<usize>,
    dialect: Dialect,
) -> (Stmt, Range<usize>, Option<ParseFailure>) {
    // The statement's tokens without whitespace and comments (the parser
    // skips them anyway), moved out of the file's token list.
    let owned: Vec<TokenWithSpan> = tokens[range.clone()]
        .iter_mut()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(|t| {
            std::mem::replace(
                t,
                TokenWithSpan::wrap(Token::Whitespace(sqlparser::tokenizer::Whitespace::Space)),
            )
        })
        .collect();
    let first = &owned[0];
    let last = &owned[owned.len() - 1];
    let start = file.offset(first.span.start.line, first.span.start.column);
    let end = file
        .offset(last.span.end.line, last.span.end.column)
        .max(start);
    let mut stmt = Stmt {
        span: start..end,
        line: first.span.start.line as u32,
        column: first.span.start.column as u32,
        kind: StmtKind::Unparsed(None),
        allows: Vec::new(),
        concurrent: false,
    };
    let failure = match parse_owned(owned, dialect) {
        Ok(ast) => {
            stmt.kind = StmtKind::Parsed(Box::new(ast));
            None
        }
        Err((message, slice)) => {
            // Trigger bodies without BEGIN … END (MySQL `FOR EACH ROW SET …;`)
            // are parsed by sqlparser up to their own `;`: give it back.
            let mut terminated = slice.clone();
            terminated.push(TokenWithSpan::wrap(Token::SemiColon));
            if let Ok(ast) = parse_owned(terminated, dialect) {
                stmt.kind = StmtKind::Parsed(Box::new(ast));
                None
            } else if let Some(r) = recognize::recognize(&slice, dialect) {
                stmt.kind = StmtKind::Recognized(r);
                None
            } else {
                stmt.kind = StmtKind::Unparsed(recognize::learn(&slice).map(Box::new));
                Some(failure_at(file, &slice, &message, start..end))
            }
        }
    };
    stmt.concurrent = stmt.concurrently().is_some();
    (stmt, range, failure)
}

/// Parses exactly one statement, taking the tokens; on failure they come back
/// with the message, for the fallbacks.
fn parse_owned(
    tokens: Vec<TokenWithSpan>,
    dialect: Dialect,
) -> Result<sqlparser::ast::Statement, (String, Vec<TokenWithSpan>)> {
    let mut parser = Parser::new(dialect.sqlparser()).with_tokens_with_locations(tokens);
    let result = parser.parse_statement().map_err(|e| e.to_string());
    let result = result.and_then(|stmt| {
        let next = parser.peek_token();
        if next.token != Token::EOF && next.token != Token::SemiColon {
            return Err(format!(
                "sql parser error: unexpected `{}` after the end of the statement, at Line: {}, Column: {}",
                next.token, next.span.start.line, next.span.start.column
            ));
        }
        Ok(stmt)
    });
    result.map_err(|message| (message, parser.into_tokens()))
}

/// Parses exactly one statement from a token slice; trailing tokens are an error.
pub(crate) fn parse_tokens(
    slice: &[TokenWithSpan],
    dialect: Dialect,
) -> Result<sqlparser::ast::Statement, String> {
    parse_owned(slice.to_vec(), dialect).map_err(|(message, _)| message)
}

/// Turns sqlparser's message into ours: strips its prefix and its
/// "at Line: l, Column: c" suffix, and points the span at that token.
fn failure_at(
    file: &SourceFile,
    slice: &[TokenWithSpan],
    message: &str,
    whole: Range<usize>,
) -> ParseFailure {
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    let (text, position) = match message.rfind(" at Line: ") {
        Some(i) => (&message[..i], Some(&message[i + 10..])),
        None => (message, None),
    };
    let span = position
        .and_then(|p| {
            let (l, c) = p.split_once(", Column: ")?;
            Some((l.trim().parse::<u64>().ok()?, c.trim().parse::<u64>().ok()?))
        })
        .and_then(|(line, col)| {
            let tok = slice
                .iter()
                .find(|t| t.span.start.line == line && t.span.start.column == col)?;
            let s = file.offset(line, col);
            Some(s..file.offset(tok.span.end.line, tok.span.end.column).max(s))
        })
        .unwrap_or(whole);
    ParseFailure {
        message: text.trim_end_matches(',').to_string(),
        span,
    }
}

/// True for comment tokens (the ones directives live in).
pub(crate) fn comment_text(tok: &Token) -> Option<&str> {
    match tok {
        Token::Whitespace(Whitespace::SingleLineComment { comment, prefix }) if prefix == "--" => {
            Some(comment.as_str())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(sql: &str, dialect: Dialect) -> Vec<(String, bool)> {
        let f = SourceFile::from_text("f.sql", "f.sql", sql);
        let mut lexed = lex(&f, dialect);
        let n = lexed.tokens.len();
        split_and_parse(&f, &mut lexed, 0..n, dialect)
            .into_iter()
            .map(|(s, _, fail)| (f.text[s.span].to_string(), fail.is_none()))
            .collect()
    }

    #[test]
    fn trigger_bodies_are_one_statement() {
        let sqlite = "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN\n  UPDATE a SET n = 1;\n  DELETE FROM b;\nEND;\nSELECT 1;";
        let got = split(sqlite, Dialect::Sqlite);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].0.ends_with("END") && got[0].1);
        let mysql = "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW SET NEW.updated_at = CURRENT_TIMESTAMP(6);\nSELECT 1;";
        let got = split(mysql, Dialect::MySql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].1, "MySQL trigger without BEGIN parses: {got:?}");
    }

    #[test]
    fn dollar_quoted_bodies_keep_their_semicolons() {
        let pg = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.a := 1; RETURN NEW; END $$ LANGUAGE plpgsql;\nSELECT 1;";
        let got = split(pg, Dialect::Postgres);
        assert_eq!(got.len(), 2);
        assert!(got[0].0.contains("RETURN NEW;") && got[0].1);
    }

    #[test]
    fn a_bad_token_costs_its_statement_only() {
        let f = SourceFile::from_text("f.sql", "f.sql", "SELECT 1;\nSELECT 'open;\nSELECT 2;\n");
        let mut lexed = lex(&f, Dialect::Postgres);
        assert_eq!(lexed.errors.len(), 1);
        assert_eq!(&f.text[lexed.errors[0].1.clone()], "'open;");
        let n = lexed.tokens.len();
        let texts: Vec<String> = split_and_parse(&f, &mut lexed, 0..n, Dialect::Postgres)
            .into_iter()
            .map(|(s, _, _)| f.text[s.span].to_string())
            .collect();
        assert_eq!(texts, ["SELECT 1", "SELECT 2"]);
    }
}
