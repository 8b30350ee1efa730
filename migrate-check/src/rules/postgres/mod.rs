//! PostgreSQL rules, grouped by what they are about.
pub mod columns;
pub mod constraints;
pub mod indexes;
pub mod style;
pub(crate) mod support;
pub mod transactions;
