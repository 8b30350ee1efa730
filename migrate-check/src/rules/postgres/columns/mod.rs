//! Adding, changing, renaming and dropping columns and tables: rewrites, scans and breaking renames.
use crate::rules::Rule;

pub mod add_auto_increment_column;
pub mod add_column_volatile_default;
pub mod add_stored_generated_column;
pub mod change_column_type;
pub mod drop_column;
pub mod drop_not_null;
pub mod json_column;
pub mod rename_column;
pub mod rename_table;
pub mod set_not_null;
mod support;
pub mod type_change_revalidates_check;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &add_column_volatile_default::RULE,
    &add_stored_generated_column::RULE,
    &add_auto_increment_column::RULE,
    &set_not_null::RULE,
    &change_column_type::RULE,
    &type_change_revalidates_check::RULE,
    &json_column::RULE,
    &drop_column::RULE,
    &rename_table::RULE,
    &rename_column::RULE,
    &drop_not_null::RULE,
];
