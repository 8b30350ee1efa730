//! SQLite rules.
use crate::rules::Rule;

pub mod sqlite_unsupported_alter;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[&sqlite_unsupported_alter::RULE];
