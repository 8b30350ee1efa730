//! MySQL and MariaDB rules: the online-DDL traps (COPY, rebuilds, blocking
//! `LOCK=` clauses, implicit commits) that no other dialect has. They ask
//! [`crate::mysql_ddl`] what each `ALTER` costs on the configured server.
use crate::rules::Rule;

pub mod add_column_expression_default;
pub mod add_column_not_last;
pub mod algorithm_copy;
pub mod change_engine;
pub mod enum_set_change_copies;
pub mod fulltext_or_spatial_index;
pub mod inline_references_ignored;
pub mod lock_shared_or_exclusive;
pub mod modify_nullability;
pub mod modify_primary_key;
pub(crate) mod non_transactional_ddl_batch;
pub mod partitioning_change;
pub mod require_algorithm_assertion;
pub(crate) mod support;
pub mod table_rebuild;
pub mod varchar_length_class_change;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &inline_references_ignored::RULE,
    &algorithm_copy::RULE,
    &lock_shared_or_exclusive::RULE,
    &require_algorithm_assertion::RULE,
    &add_column_expression_default::RULE,
    &add_column_not_last::RULE,
    &enum_set_change_copies::RULE,
    &modify_primary_key::RULE,
    &change_engine::RULE,
    &partitioning_change::RULE,
    &fulltext_or_spatial_index::RULE,
    &table_rebuild::RULE,
    &modify_nullability::RULE,
    &varchar_length_class_change::RULE,
    &non_transactional_ddl_batch::RULE,
];
