//! placeholder, replaced below
pub use migrate_runtime::*;
