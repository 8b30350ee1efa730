//! PostgreSQL rules.
pub mod concurrently_in_transaction;
pub mod create_index_non_concurrently;
