//! # migrate
//!
//! SQL schema migrations for PostgreSQL, MySQL/MariaDB and SQLite whose
//! safety is checked when your crate compiles: `embed_migrations!` parses
//! every migration, replays them over a schema model and runs the safety
//! rules; a dangerous lock, a missing down section or a statement that does
//! not parse is a compile error pointing into the `.sql` file. What passes
//! becomes a static, checksummed table that the [`Migrator`] applies,
//! verifies and rolls back.
//!
//! ```
//! use migrate::{Migrations, Migrator};
//!
//! // In your crate: `migrate::embed_migrations!("migrations")`.
//! const MIGRATIONS: Migrations = migrate::embed_migrations!("examples/migrations");
//!
//! let mut conn = rusqlite::Connection::open_in_memory().unwrap();
//! let report = Migrator::new(&MIGRATIONS).run(&mut conn).unwrap();
//! assert_eq!(report.versions().len(), MIGRATIONS.migrations().len());
//! ```
//!
//! Editing a migration rebuilds the crate. So that adding one does too, put
//! this `build.rs` beside `Cargo.toml` (`cargo migrate init` writes it):
//!
//! ```text
//! // build.rs
//! fn main() {
//!     println!("cargo:rerun-if-changed=migrations");
//! }
//! ```

pub use migrate_macros::embed_migrations;
pub use migrate_runtime::*;
