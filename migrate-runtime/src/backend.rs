//! The small trait a database backend implements.

use std::fmt;

use crate::history::{HistoryRow, HistoryTable};
use crate::migration::Dialect;

/// A database error as the backend reports it: the database's own message.
///
/// Backends build it from the driver's error text and must never put
/// connection parameters (URLs, passwords) in it.
///
/// ```
/// use migrate_runtime::DbError;
/// let e = DbError::new("no such table: users");
/// assert_eq!(e.to_string(), "no such table: users");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbError {
    message: String,
}

impl DbError {
    /// An error with the database's message.
    pub fn new(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
        }
    }

    /// The database's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DbError {}

/// What the [`Migrator`](crate::Migrator) needs from a database connection.
///
/// The migrator drives the protocol; a backend only supplies primitives:
///
/// 1. [`lock`](Backend::lock) once per operation (a session-wide lock such as
///    PostgreSQL's advisory lock; a no-op where
///    [`begin_exclusive`](Backend::begin_exclusive) already excludes other
///    runners, as SQLite's `BEGIN IMMEDIATE` does), then
///    [`create_history`](Backend::create_history) and
///    [`read_history`](Backend::read_history) to validate;
/// 2. per migration: `begin_exclusive`, `read_history` again (another
///    process may have applied it meanwhile), then either the section's
///    statements and the history change before [`commit`](Backend::commit),
///    or, for a section that runs outside a transaction, a `dirty` row
///    committed first, each statement followed by an
///    [`update_row`](Backend::update_row) of `statements_done`, and the
///    `applied` row at the end;
/// 3. [`unlock`](Backend::unlock), also after an error.
///
/// The `sqlite` feature implements it for `rusqlite::Connection`; PostgreSQL
/// and MySQL backends implement the same trait.
///
/// ```
/// use migrate_runtime::{Backend, DbError, Dialect, HistoryRow, HistoryTable};
///
/// /// A backend that records what it is asked to do.
/// #[derive(Default)]
/// struct Log(Vec<String>, Vec<HistoryRow>);
///
/// impl Backend for Log {
///     fn dialect(&self) -> Dialect { Dialect::Sqlite }
///     fn history_exists(&mut self, _: &HistoryTable) -> Result<bool, DbError> { Ok(true) }
///     fn create_history(&mut self, _: &HistoryTable) -> Result<(), DbError> { Ok(()) }
///     fn read_history(&mut self, _: &HistoryTable) -> Result<Vec<HistoryRow>, DbError> {
///         Ok(self.1.clone())
///     }
///     fn begin_exclusive(&mut self) -> Result<(), DbError> { Ok(self.0.push("BEGIN".into())) }
///     fn commit(&mut self) -> Result<(), DbError> { Ok(self.0.push("COMMIT".into())) }
///     fn rollback(&mut self) -> Result<(), DbError> { Ok(self.0.push("ROLLBACK".into())) }
///     fn execute_sql(&mut self, sql: &str) -> Result<(), DbError> { Ok(self.0.push(sql.into())) }
///     fn insert_row(&mut self, _: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
///         Ok(self.1.push(row.clone()))
///     }
///     fn update_row(&mut self, _: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
///         self.1.retain(|r| r.version != row.version);
///         Ok(self.1.push(row.clone()))
///     }
///     fn delete_row(&mut self, _: &HistoryTable, version: &str) -> Result<(), DbError> {
///         Ok(self.1.retain(|r| r.version != version))
///     }
/// }
///
/// use migrate_runtime::{Migration, Migrations, Migrator, Section, Statement, Version};
/// const UP: Section = Section {
///     statements: &[Statement { sql: "CREATE TABLE t (id INTEGER)", line: 2 }],
///     transactional: true,
///     file: "migrations/1_t.sql",
/// };
/// static MIGRATIONS: Migrations = Migrations::new(
///     &[Migration {
///         version: Version::new("1", &[1]),
///         name: "t",
///         up: UP,
///         down: None,
///         irreversible: Some("example"),
///         checksum: "sha256:00",
///     }],
///     Dialect::Sqlite,
///     "migrate_history",
/// );
///
/// let mut log = Log::default();
/// Migrator::new(&MIGRATIONS).run(&mut log)?;
/// assert_eq!(log.0, ["BEGIN", "CREATE TABLE t (id INTEGER)", "COMMIT"]);
/// assert_eq!(log.1[0].version, "1");
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
pub trait Backend {
    /// The dialect of the database behind the connection.
    fn dialect(&self) -> Dialect;

    /// Whether DDL statements are transactional. When `false` (MySQL, where
    /// DDL commits implicitly) every section is run statement by statement
    /// and tracked with a `dirty` row, as a non-transactional one is.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Takes the session-wide lock that keeps other runners out for the whole
    /// operation. The default does nothing (SQLite relies on
    /// [`begin_exclusive`](Backend::begin_exclusive)).
    fn lock(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        let _ = table;
        Ok(())
    }

    /// Releases the lock taken by [`lock`](Backend::lock).
    fn unlock(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        let _ = table;
        Ok(())
    }

    /// Whether the history table exists (used by read-only operations, which
    /// must not create it).
    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError>;

    /// Creates the history table if it does not exist.
    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError>;

    /// All rows of the history table, in any order.
    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError>;

    /// Starts a transaction that keeps other runners out until
    /// [`commit`](Backend::commit) or [`rollback`](Backend::rollback)
    /// (SQLite: `BEGIN IMMEDIATE`).
    fn begin_exclusive(&mut self) -> Result<(), DbError>;

    /// Commits the transaction.
    fn commit(&mut self) -> Result<(), DbError>;

    /// Rolls the transaction back; must succeed (or fail harmlessly) when the
    /// database already rolled it back itself.
    fn rollback(&mut self) -> Result<(), DbError>;

    /// Executes one statement of a migration.
    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError>;

    /// Inserts a history row.
    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError>;

    /// Replaces the history row with the same version.
    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError>;

    /// Deletes the history row of `version`.
    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError>;
}
