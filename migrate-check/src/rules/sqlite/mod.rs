//! SQLite rules.
pub mod sqlite_unsupported_alter;
