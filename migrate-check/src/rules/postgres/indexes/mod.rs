//! Index builds and the operations that must run `CONCURRENTLY`.
use crate::rules::Rule;

pub mod concurrently_in_transaction;
pub mod create_index_non_concurrently;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &create_index_non_concurrently::RULE,
    &concurrently_in_transaction::RULE,
];
