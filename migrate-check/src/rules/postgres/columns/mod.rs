//! Adding, changing, renaming and dropping columns and tables: rewrites, scans and breaking renames.
use crate::rules::Rule;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[];
