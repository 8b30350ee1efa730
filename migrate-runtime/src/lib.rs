//! The runtime of `migrate`: a [`Migrator`] over the static table that
//! `embed_migrations!` builds, applying, verifying and rolling back migrations.
//!
//! This crate never parses SQL: statements were split and checked at build time.
//!
//! - [`Migrator`] validates the history table against the binary before it
//!   changes anything, then runs, rolls back, redoes, baselines (or
//!   records exactly the set another tool applied) or plans.
//! - [`Backend`] is the small trait a database connection implements; the
//!   `sqlite` feature implements it for `rusqlite::Connection`, the
//!   `postgres` and `mysql` features for `PgBackend` and `MySqlBackend`.
//!   [`connect`] opens any of them from a URL (`postgres://…`, `mysql://…`,
//!   `sqlite://path`) as an [`AnyBackend`].
//! - Runners exclude each other for a whole run (PostgreSQL session advisory
//!   lock polled with backoff, MySQL `GET_LOCK`, a lock file beside a SQLite
//!   database), so concurrent starts apply each migration once; a section
//!   outside a transaction is tracked statement by statement, and a run that
//!   stopped in it is resolved with [`Migrator::resolve`].
//! - [`Schema`] is a normalized snapshot of a database's schema read from
//!   its catalogs (`AnyBackend::snapshot`), and [`Schema::diff`] lists what
//!   differs between two (`cargo migrate verify` checks downs with it).
//! - [`Error`] is typed; every message names the migration, and for a
//!   failing statement its text, `file:line` and the database's message and
//!   code. No message or `Debug` output contains a URL's password.
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use migrate_runtime::{
//!     Dialect, Migration, Migrations, Migrator, Section, Statement, State, Version,
//! };
//!
//! // `embed_migrations!("migrations")` expands to a table like this one.
//! static MIGRATIONS: Migrations = Migrations::new(
//!     &[Migration {
//!         version: Version::new("0001", &[1]),
//!         name: "create_users",
//!         up: Section {
//!             statements: &[Statement::new("CREATE TABLE users (id INTEGER PRIMARY KEY)", 2)],
//!             transactional: true,
//!             file: "migrations/0001_create_users.sql",
//!         },
//!         down: Some(Section {
//!             statements: &[Statement::new("DROP TABLE users", 4)],
//!             transactional: true,
//!             file: "migrations/0001_create_users.sql",
//!         }),
//!         irreversible: None,
//!         checksum: "sha256:9f2c",
//!     }],
//!     Dialect::Sqlite,
//!     "migrate_history",
//! );
//!
//! let mut conn = rusqlite::Connection::open_in_memory()?;
//! let migrator = Migrator::new(&MIGRATIONS);
//! migrator.run(&mut conn)?;
//! let status = migrator.status(&mut conn)?;
//! assert_eq!((status[0].version.as_str(), &status[0].state), ("0001", &State::Applied));
//! # Ok(()) }
//! # #[cfg(not(feature = "sqlite"))] fn main() {}
//! ```
#![warn(missing_docs)]

mod backend;
mod error;
mod history;
mod migration;
mod migrator;
#[cfg(feature = "mysql")]
mod mysql_backend;
#[cfg(feature = "postgres")]
mod postgres_backend;
mod snapshot;
#[cfg(feature = "sqlite")]
mod sqlite;
mod target;
// Parts of these serve only some backends.
#[cfg_attr(
    not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code, unused_variables)
)]
mod url;
#[cfg_attr(
    not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
mod util;

#[cfg(feature = "mysql")]
pub use mysql;
#[cfg(feature = "mysql")]
pub use mysql_backend::MySqlBackend;
#[cfg(feature = "postgres")]
pub use postgres;
#[cfg(feature = "postgres")]
pub use postgres_backend::PgBackend;
#[cfg(feature = "sqlite")]
pub use rusqlite;
pub use url::{AnyBackend, DatabaseUrl, connect};

pub use backend::{Backend, BatchFailure, DbError, HistoryWrite, LockScope};
pub use error::{DirtyMigration, Error, ResolveAdvice, StatementError};
pub use history::{ChecksumRow, HistoryRow, HistoryTable, RowState};
pub use migration::{
    Dialect, Migration, Migrations, Section, Seed, Statement, Version, VersionOrder, embedded_text,
};
pub use migrator::{
    Action, Completed, Direction, MigrationStatus, Migrator, Plan, PlannedStep, Report, Resolution,
    SeedError, SeedOutcome, SeedReport, SeedRun, State, StepKind,
};
pub use snapshot::{Change, ObjectId, ObjectKind, Schema};
pub use target::Target;
