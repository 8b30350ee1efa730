//! Constraints, foreign keys, domains, enums and destructive schema changes.
use crate::rules::Rule;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[];
