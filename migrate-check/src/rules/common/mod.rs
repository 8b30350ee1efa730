//! Rules that apply to more than one dialect.
pub mod add_required_column;
pub mod drop_table;
