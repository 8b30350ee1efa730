//! The runtime of `migrate`: a [`Migrator`] over the static table that
//! `embed_migrations!` builds, applying, verifying and rolling back migrations.
//!
//! This crate never parses SQL: statements were split and checked at build time.
#![warn(missing_docs)]

mod migration;

pub use migration::{Dialect, Migration, Migrations, Section, Statement, Version};
