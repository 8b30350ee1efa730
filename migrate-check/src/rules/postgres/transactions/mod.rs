//! Transaction-level rules: what a section holds, for how long, and whether it commits.
use crate::rules::Rule;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[];
