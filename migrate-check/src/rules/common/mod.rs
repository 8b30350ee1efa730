//! Rules that apply to more than one dialect.
use crate::rules::Rule;

pub mod add_required_column;
pub mod drop_table;
pub mod syntax_needs_server_version;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &add_required_column::RULE,
    &drop_table::RULE,
    &syntax_needs_server_version::RULE,
];
