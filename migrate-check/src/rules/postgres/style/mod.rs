//! Style and hygiene: types and names that cause trouble later.
use crate::rules::Rule;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[];
