//! The small trait a database backend implements.

use std::fmt;
use std::time::Duration;

use crate::history::{ChecksumRow, HistoryRow, HistoryTable};
use crate::migration::{Dialect, Statement};

/// A database error as the backend reports it: the database's own message
/// and, when the server gave one, its error code.
///
/// Backends build it from the driver's error text and must never put
/// connection parameters (URLs, passwords) in it.
///
/// ```
/// use migrate_runtime::DbError;
/// let e = DbError::new("no such table: users");
/// assert_eq!(e.to_string(), "no such table: users");
/// let e = DbError::new("canceling statement due to lock timeout")
///     .with_code("SQLSTATE 55P03")
///     .lock_timeout();
/// assert_eq!(e.to_string(), "canceling statement due to lock timeout [SQLSTATE 55P03]");
/// assert_eq!(e.code(), Some("SQLSTATE 55P03"));
/// assert!(e.is_lock_timeout());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbError {
    message: String,
    code: Option<String>,
    lock_timeout: bool,
}

impl DbError {
    /// An error with the database's message.
    pub fn new(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            code: None,
            lock_timeout: false,
        }
    }

    /// The same error with the server's code, as the server names it
    /// (`SQLSTATE 42P01`, `MySQL 1050 (42S01)`).
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Marks the error as a lock wait that timed out (PostgreSQL
    /// `lock_not_available` 55P03, MySQL 1205): the statement had no effect
    /// and may be retried, and from [`Backend::lock`] it means another
    /// runner holds the migration lock.
    #[must_use]
    pub fn lock_timeout(mut self) -> Self {
        self.lock_timeout = true;
        self
    }

    /// The database's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The server's error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// Whether the error is a lock wait that timed out.
    pub fn is_lock_timeout(&self) -> bool {
        self.lock_timeout
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for DbError {}

/// How long the lock taken by [`Backend::lock`] keeps other runners out.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use std::time::Duration;
/// use migrate_runtime::{Backend, HistoryTable, LockScope};
/// let table = HistoryTable::parse("migrate_history")?;
/// // An in-memory SQLite database has no file to lock: each migration's
/// // `BEGIN IMMEDIATE` excludes other writers instead.
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// assert_eq!(conn.lock(&table, Duration::ZERO)?, LockScope::Transaction);
/// conn.unlock(&table)?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockScope {
    /// Until [`Backend::unlock`]: no other runner can change the history
    /// meanwhile (PostgreSQL and MySQL session locks, SQLite's lock file).
    Session,
    /// Only while a transaction from [`Backend::begin_exclusive`] is open:
    /// the migrator reads the history again at the start of each migration.
    Transaction,
}

/// How [`Backend::execute_all`] failed.
///
/// ```
/// use migrate_runtime::{BatchFailure, DbError};
/// let known = BatchFailure { statement: Some(2), cause: DbError::new("relation \"t\" does not exist") };
/// assert_eq!(known.statement, Some(2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchFailure {
    /// The index of the statement that failed, when the backend knows it;
    /// `None` when the statements were sent together and the database did
    /// not say which one failed.
    pub statement: Option<usize>,
    /// The database's error.
    pub cause: DbError,
}

/// The history change that commits together with a transactional migration
/// in [`Backend::run_transaction`].
///
/// ```
/// use migrate_runtime::HistoryWrite;
/// let revert = HistoryWrite::Delete("20240101");
/// assert!(matches!(revert, HistoryWrite::Delete("20240101")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryWrite<'a> {
    /// Applied: insert this row. Its `duration_ms` is for the backend to
    /// fill in with the time the statements took.
    Insert(&'a HistoryRow),
    /// Reverted: delete the row of this version.
    Delete(&'a str),
}

/// What the [`Migrator`](crate::Migrator) needs from a database connection.
///
/// The migrator drives the protocol; a backend only supplies primitives:
///
/// 1. [`lock`](Backend::lock) once per operation (PostgreSQL's session
///    advisory lock, MySQL's `GET_LOCK`, SQLite's lock file), then
///    [`create_history`](Backend::create_history) and
///    [`read_history`](Backend::read_history) to validate;
/// 2. per migration: [`set_lock_timeout`](Backend::set_lock_timeout),
///    `begin_exclusive` (and `read_history` again when the lock only has
///    [`LockScope::Transaction`]: another process may have applied it
///    meanwhile), then either the section's statements and the history
///    change before [`commit`](Backend::commit), or, for a section that runs
///    outside a transaction (every section where DDL is not transactional),
///    a `dirty` row committed first, each statement followed by an
///    [`update_row`](Backend::update_row) of `statements_done`, and the
///    `applied` row written with the last one;
/// 3. [`unlock`](Backend::unlock), also after an error or a panic.
///
/// The `sqlite` feature implements it for `rusqlite::Connection`, the
/// `postgres` and `mysql` features for `PgBackend` and `MySqlBackend`.
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
///     statements: &[Statement::new("CREATE TABLE t (id INTEGER)", 2)],
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

    /// Whether each statement of a section tracked statement by statement
    /// runs in a transaction together with its progress update (MySQL: a DML
    /// statement and its progress then commit together; DDL commits
    /// implicitly anyway). `false` where a tracked section may hold
    /// statements that cannot run in a transaction (PostgreSQL's
    /// `CREATE INDEX CONCURRENTLY`, SQLite's `VACUUM`).
    fn statement_transactions(&self) -> bool {
        false
    }

    /// Takes the lock that keeps other runners out, waiting at most `wait`
    /// for a runner that holds it. On timeout the error is marked
    /// [`DbError::lock_timeout`] and names the holder where the database can
    /// tell. The default takes no lock and relies on
    /// [`begin_exclusive`](Backend::begin_exclusive) ([`LockScope::Transaction`]).
    fn lock(&mut self, table: &HistoryTable, wait: Duration) -> Result<LockScope, DbError> {
        let _ = (table, wait);
        Ok(LockScope::Transaction)
    }

    /// Releases the lock taken by [`lock`](Backend::lock).
    fn unlock(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        let _ = table;
        Ok(())
    }

    /// Sets how long each following statement may wait for a table lock
    /// before it fails with a [`DbError::is_lock_timeout`] error
    /// (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout`); `None` leaves
    /// the session's setting. Called outside any transaction, before each
    /// migration. The default does nothing.
    fn set_lock_timeout(&mut self, timeout: Option<Duration>) -> Result<(), DbError> {
        let _ = timeout;
        Ok(())
    }

    /// Whether the history table exists (used by read-only operations, which
    /// must not create it).
    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError>;

    /// Creates the history table if it does not exist.
    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError>;

    /// All rows of the history table, in any order.
    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError>;

    /// Passes the version, checksum and state of every row, in any order,
    /// to `row`: what [`Migrator::run`](crate::Migrator::run) compares,
    /// without the lock, to tell that everything is applied. The rows are
    /// lent, not returned, so that a starting service compares a thousand
    /// of them without copying one. The default takes them from
    /// [`read_history`](Backend::read_history); a backend reads just these
    /// columns (PostgreSQL: half the time of the whole rows on a new
    /// connection, where a service's start-up check runs).
    fn scan_checksums(
        &mut self,
        table: &HistoryTable,
        row: &mut dyn FnMut(ChecksumRow<'_>),
    ) -> Result<(), DbError> {
        for history in self.read_history(table)? {
            row(ChecksumRow::from(&history));
        }
        Ok(())
    }

    /// Starts a transaction that keeps other runners out until
    /// [`commit`](Backend::commit) or [`rollback`](Backend::rollback)
    /// (SQLite: `BEGIN IMMEDIATE`).
    fn begin_exclusive(&mut self) -> Result<(), DbError>;

    /// Commits the transaction.
    fn commit(&mut self) -> Result<(), DbError>;

    /// Rolls the transaction back; must succeed (or fail harmlessly) when the
    /// database already rolled it back itself.
    fn rollback(&mut self) -> Result<(), DbError>;

    /// Executes one statement of a migration, as SQL text.
    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError>;

    /// Executes one statement of a migration. The default runs its text
    /// with [`execute_sql`](Backend::execute_sql); PostgreSQL runs a
    /// [`concurrent`](Statement::concurrent) statement outside a transaction
    /// without its lock timeout.
    fn execute_statement(&mut self, statement: &Statement) -> Result<(), DbError> {
        self.execute_sql(statement.sql)
    }

    /// Executes the statements of a transactional section, in order, in the
    /// transaction [`begin_exclusive`](Backend::begin_exclusive) opened.
    ///
    /// The default runs them one at a time and names the one that failed.
    /// A backend may send them together (PostgreSQL: one simple-query
    /// message, one round trip for the whole migration); when it cannot tell
    /// which statement failed, its [`BatchFailure`] says so, and the
    /// migrator rolls back and runs the section again one statement at a
    /// time, so that the error still names the statement and its line.
    fn execute_all(&mut self, statements: &[Statement]) -> Result<(), BatchFailure> {
        for (index, statement) in statements.iter().enumerate() {
            self.execute_statement(statement)
                .map_err(|cause| BatchFailure {
                    statement: Some(index),
                    cause,
                })?;
        }
        Ok(())
    }

    /// Runs a transactional section and writes its history change, all in
    /// one transaction: [`begin_exclusive`](Backend::begin_exclusive),
    /// [`execute_all`](Backend::execute_all), the write, [`commit`](Backend::commit).
    /// On error nothing of it remains and no transaction is left open.
    ///
    /// The migrator calls it when it holds a [`LockScope::Session`] lock.
    /// The default makes the calls above, one after another. A backend may
    /// send them together (PostgreSQL: one simple-query message, one round
    /// trip per migration); a failure it cannot attribute to a statement
    /// (`statement: None`), including a failed write or commit, makes the
    /// migrator run the migration again step by step, which names what failed.
    fn run_transaction(
        &mut self,
        table: &HistoryTable,
        statements: &[Statement],
        write: HistoryWrite<'_>,
    ) -> Result<(), BatchFailure> {
        let unattributed = |cause| BatchFailure {
            statement: None,
            cause,
        };
        self.begin_exclusive().map_err(unattributed)?;
        let started = std::time::Instant::now();
        let result = self.execute_all(statements).and_then(|()| {
            match write {
                HistoryWrite::Insert(row) => {
                    let mut row = row.clone();
                    row.duration_ms =
                        u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    self.insert_row(table, &row)
                }
                HistoryWrite::Delete(version) => self.delete_row(table, version),
            }
            .and_then(|()| self.commit())
            .map_err(unattributed)
        });
        if result.is_err() {
            let _ = self.rollback();
        }
        result
    }

    /// Inserts a history row.
    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError>;

    /// Replaces the history row with the same version.
    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError>;

    /// Deletes the history row of `version`.
    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError>;
}
