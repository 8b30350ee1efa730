//! Index builds, the operations that must run `CONCURRENTLY`, and the
//! constraints that build an index or rewrite a table under a strong lock.
use crate::rules::Rule;

pub mod add_exclusion_constraint;
pub mod add_primary_key;
pub mod add_unique_constraint;
pub mod concurrent_index_pg14_bug;
pub mod concurrently_in_transaction;
pub mod create_index_non_concurrently;
pub mod detach_partition_non_concurrently;
pub mod drop_index_non_concurrently;
pub mod index_too_many_columns;
pub mod primary_key_on_nullable;
pub mod reindex_non_concurrently;
pub mod set_tablespace;
mod support;
pub mod table_rewrite_maintenance;
pub mod unique_may_fail_on_data;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &create_index_non_concurrently::RULE,
    &drop_index_non_concurrently::RULE,
    &concurrently_in_transaction::RULE,
    &concurrent_index_pg14_bug::RULE,
    &reindex_non_concurrently::RULE,
    &detach_partition_non_concurrently::RULE,
    &table_rewrite_maintenance::RULE,
    &set_tablespace::RULE,
    &add_unique_constraint::RULE,
    &add_primary_key::RULE,
    &primary_key_on_nullable::RULE,
    &add_exclusion_constraint::RULE,
    &unique_may_fail_on_data::RULE,
    &index_too_many_columns::RULE,
];
