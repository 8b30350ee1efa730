//! SQLite rules.
use crate::rules::Rule;

pub mod sqlite_add_column_restrictions;
pub mod sqlite_drop_column_restrictions;
pub mod sqlite_ignored_column_position;
pub mod sqlite_rebuild_procedure;
pub mod sqlite_unsupported_alter;
pub mod sqlite_version_gated_alter;
pub(crate) mod support;

#[cfg(test)]
mod shared_tests;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &sqlite_unsupported_alter::RULE,
    &sqlite_add_column_restrictions::RULE,
    &sqlite_version_gated_alter::RULE,
    &sqlite_drop_column_restrictions::RULE,
    &sqlite_rebuild_procedure::RULE,
    &sqlite_ignored_column_position::RULE,
];
