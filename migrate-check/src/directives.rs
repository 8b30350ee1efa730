//! Directives: `-- migrate:…` comment lines, read from the token stream
//! (sqlparser drops comments from the AST, so they cannot come from there).
//!
//! | directive | meaning |
//! |---|---|
//! | `-- migrate:up [transaction:false]` | starts the up section (dbmate's marker and option) |
//! | `-- migrate:down [transaction:false]` | starts the down section |
//! | `-- migrate:no-transaction` | the section it stands in runs outside a transaction, statement by statement; a down section that says nothing runs the way its up runs |
//! | `-- migrate:allow(rule, …): reason` | suppresses those rules on the next statement |
//! | `-- migrate:irreversible: reason` | this migration has no down, on purpose |
//! | `-- migrate:empty: reason` | in a section: it holds no statement on purpose (a down that has nothing to undo) |
//! | `-- migrate:env(dev, test)` | in a seed file: run it only in these environments |
//!
//! `-- UP` / `-- DOWN` (bare, upper case) are accepted as section markers, and
//! sqlx's `-- no-transaction` as the first line of a file.

use std::ops::Range;

/// What a directive says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectiveKind {
    /// Start of the up section.
    Up {
        /// `Some(false)` after `transaction:false`, `Some(true)` after
        /// `transaction:true`, `None` when the marker says nothing.
        transactional: Option<bool>,
    },
    /// Start of the down section.
    Down {
        /// As for `Up`; a down that says nothing runs the way its up runs.
        transactional: Option<bool>,
    },
    /// The current section runs outside a transaction.
    NoTransaction,
    /// Suppress these rules on the next statement, for this reason.
    Allow {
        /// The rule ids, as written.
        rules: Vec<String>,
        /// Why (required).
        reason: String,
    },
    /// The migration cannot be reversed, for this reason.
    Irreversible {
        /// Why (required).
        reason: String,
    },
    /// The section it stands in holds no statement, on purpose: rolling
    /// back has nothing to undo. Without it an empty down section makes the
    /// migration irreversible, so that a rollback never deletes the history
    /// row while undoing nothing.
    Empty {
        /// Why (required).
        reason: String,
    },
    /// A seed file runs only in these environments (seeds only).
    Env {
        /// The environment names, as written (validated: lower-case letters,
        /// digits, `_` and `-`, starting with a letter).
        environments: Vec<String>,
    },
}

/// A directive and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// What it says.
    pub kind: DirectiveKind,
    /// Index of its comment token in the file's token list.
    pub token: usize,
    /// Byte range of the comment in the file.
    pub span: Range<usize>,
}

/// A comment that looks like a directive but is not a valid one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDirective {
    /// Byte range of the comment.
    pub span: Range<usize>,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// Reads one `--` comment's text (after the `--`). `None` when it is an
/// ordinary comment; `Some(Err)` when it starts with `migrate:` but is malformed.
pub fn parse_comment(comment: &str, first_in_file: bool) -> Option<Result<DirectiveKind, String>> {
    let text = comment.trim();
    match text {
        "UP" => {
            return Some(Ok(DirectiveKind::Up {
                transactional: None,
            }));
        }
        "DOWN" => {
            return Some(Ok(DirectiveKind::Down {
                transactional: None,
            }));
        }
        "no-transaction" if first_in_file => return Some(Ok(DirectiveKind::NoTransaction)),
        _ => {}
    }
    let body = text.strip_prefix("migrate:")?.trim_start();
    Some(parse_body(body))
}

fn parse_body(body: &str) -> Result<DirectiveKind, String> {
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(body.len());
    let (name, rest) = body.split_at(name_end);
    match name {
        "up" | "down" => {
            let mut transactional = None;
            for option in rest.split_whitespace() {
                match option {
                    "transaction:false" => transactional = Some(false),
                    "transaction:true" => transactional = Some(true),
                    other => {
                        return Err(format!(
                            "unknown option `{other}` on `-- migrate:{name}`: the only option is `transaction:false`"
                        ));
                    }
                }
            }
            Ok(if name == "up" {
                DirectiveKind::Up { transactional }
            } else {
                DirectiveKind::Down { transactional }
            })
        }
        "no-transaction" if rest.trim().is_empty() => Ok(DirectiveKind::NoTransaction),
        "no-transaction" => Err("`-- migrate:no-transaction` takes no arguments".into()),
        "irreversible" => {
            let reason = reason_after_colon(rest).ok_or_else(|| {
                "`-- migrate:irreversible` needs a reason: `-- migrate:irreversible: <why this cannot be undone>`".to_string()
            })?;
            Ok(DirectiveKind::Irreversible { reason })
        }
        "empty" => {
            let reason = reason_after_colon(rest).ok_or_else(|| {
                "`-- migrate:empty` needs a reason: `-- migrate:empty: <why there is nothing to undo>`".to_string()
            })?;
            Ok(DirectiveKind::Empty { reason })
        }
        "allow" => {
            let rest = rest.trim_start();
            let inner = rest
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .ok_or_else(|| {
                    "`-- migrate:allow` lists rules in parentheses: `-- migrate:allow(rule-id): reason`".to_string()
                })?;
            let rules: Vec<String> = inner
                .0
                .split(',')
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            if rules.is_empty() {
                return Err("`-- migrate:allow()` names no rule: write `-- migrate:allow(rule-id): reason`".into());
            }
            let reason = reason_after_colon(inner.1).ok_or_else(|| {
                format!(
                    "`-- migrate:allow({})` needs a reason after a colon: a suppression without a why rots",
                    rules.join(", ")
                )
            })?;
            Ok(DirectiveKind::Allow { rules, reason })
        }
        "env" => parse_env(rest),
        "" => Err("empty directive: expected `up`, `down`, `no-transaction`, `allow(…): reason`, `irreversible: reason`, `empty: reason` or (in a seed) `env(…)` after `-- migrate:`".into()),
        other => Err(format!(
            "unknown directive `migrate:{other}`: expected `up`, `down`, `no-transaction`, `allow(…): reason`, `irreversible: reason`, `empty: reason` or (in a seed) `env(…)`"
        )),
    }
}

/// `(dev, test)` → the environment names, each validated.
fn parse_env(rest: &str) -> Result<DirectiveKind, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| {
            "`-- migrate:env` lists environments in parentheses: `-- migrate:env(dev, test)`"
                .to_string()
        })?;
    let mut environments: Vec<String> = Vec::new();
    for name in inner.split(',').map(str::trim) {
        if !is_environment_name(name) {
            return Err(format!(
                "`{name}` is not an environment name: use lower-case letters, digits, `_` and `-`, starting with a letter (`dev`, `test`, `staging-eu`)"
            ));
        }
        if environments.iter().any(|e| e == name) {
            return Err(format!("environment `{name}` is listed twice"));
        }
        environments.push(name.to_string());
    }
    Ok(DirectiveKind::Env { environments })
}

/// Whether `name` is a valid environment name: lower-case ASCII letters,
/// digits, `_` and `-`, starting with a letter, at most 63 characters.
///
/// ```
/// use migrate_check::directives::is_environment_name;
/// assert!(is_environment_name("dev"));
/// assert!(is_environment_name("staging-eu"));
/// assert!(!is_environment_name("Prod"));
/// assert!(!is_environment_name(""));
/// ```
pub fn is_environment_name(name: &str) -> bool {
    name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `: reason` → `reason`; `None` when the colon or the reason is missing.
fn reason_after_colon(rest: &str) -> Option<String> {
    let reason = rest.trim_start().strip_prefix(':')?.trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(c: &str) -> DirectiveKind {
        parse_comment(c, false).unwrap().unwrap()
    }
    fn err(c: &str) -> String {
        parse_comment(c, false).unwrap().unwrap_err()
    }

    #[test]
    fn section_markers() {
        assert_eq!(
            ok(" migrate:up"),
            DirectiveKind::Up {
                transactional: None
            }
        );
        assert_eq!(
            ok(" migrate:down transaction:false"),
            DirectiveKind::Down {
                transactional: Some(false)
            }
        );
        assert_eq!(
            ok(" UP "),
            DirectiveKind::Up {
                transactional: None
            }
        );
        assert!(err(" migrate:up transaction:maybe").contains("transaction:false"));
    }

    #[test]
    fn allow_requires_rules_and_reason() {
        assert_eq!(
            ok(" migrate:allow(drop-table, drop-column): retired in v3"),
            DirectiveKind::Allow {
                rules: vec!["drop-table".into(), "drop-column".into()],
                reason: "retired in v3".into()
            }
        );
        assert!(err(" migrate:allow(drop-table)").contains("reason"));
        assert!(err(" migrate:allow(drop-table):   ").contains("reason"));
        assert!(err(" migrate:allow: x").contains("parentheses"));
        assert!(err(" migrate:allow(): x").contains("names no rule"));
    }

    #[test]
    fn irreversible_requires_reason() {
        assert_eq!(
            ok(" migrate:irreversible: drops legacy data"),
            DirectiveKind::Irreversible {
                reason: "drops legacy data".into()
            }
        );
        assert!(err(" migrate:irreversible").contains("reason"));
    }

    #[test]
    fn env_lists_valid_names() {
        assert_eq!(
            ok(" migrate:env(dev, test)"),
            DirectiveKind::Env {
                environments: vec!["dev".into(), "test".into()]
            }
        );
        assert!(err(" migrate:env dev").contains("parentheses"));
        assert!(err(" migrate:env()").contains("not an environment name"));
        assert!(err(" migrate:env(Dev)").contains("`Dev` is not an environment name"));
        assert!(err(" migrate:env(dev, dev)").contains("twice"));
        assert!(err(" migrate:env(dev; test)").contains("not an environment name"));
    }

    #[test]
    fn ordinary_comments_and_unknown_directives() {
        assert_eq!(parse_comment(" add an index", false), None);
        assert_eq!(parse_comment(" no-transaction", false), None);
        assert_eq!(
            parse_comment(" no-transaction", true),
            Some(Ok(DirectiveKind::NoTransaction))
        );
        assert!(err(" migrate:upp").contains("unknown directive"));
        assert!(err(" migrate:").contains("empty directive"));
    }
}
