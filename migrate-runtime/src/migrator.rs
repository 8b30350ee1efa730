//! The [`Migrator`]: validates the history against the embedded table, then
//! applies, rolls back, baselines or plans.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::backend::{Backend, BatchFailure, DbError, HistoryWrite, LockScope};
use crate::error::{DirtyMigration, Error, StatementError};
use crate::history::{
    ChecksumRow, HistoryRow, HistoryTable, RowState, decode_checksums, encode_checksums,
    now_rfc3339, push_checksum, statement_checksum,
};
use crate::migration::{Migration, Migrations, Section, Version, VersionOrder, compare_parts};
use crate::target::Target;
use crate::util::retry_delay;

mod seed;
pub use seed::{SeedError, SeedOutcome, SeedReport, SeedRun};

/// Which half of a migration runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The up section.
    Up,
    /// The down section.
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}

/// What one step of a plan does to a migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Run its up section and record it.
    Apply,
    /// Run its down section and delete its record.
    Revert,
    /// Record it as applied without running anything (`baseline`,
    /// `record_applied`).
    Record,
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StepKind::Apply => "apply",
            StepKind::Revert => "revert",
            StepKind::Record => "record",
        })
    }
}

/// One step of a [`Plan`].
#[derive(Clone, Copy, Debug)]
pub struct PlannedStep {
    /// What the step does.
    pub kind: StepKind,
    /// The migration it concerns.
    pub migration: &'static Migration,
}

impl PlannedStep {
    /// The section whose statements the step runs (`None` for [`StepKind::Record`]).
    pub fn section(&self) -> Option<&'static Section> {
        match self.kind {
            StepKind::Apply => Some(&self.migration.up),
            StepKind::Revert => self.migration.down.as_ref(),
            StepKind::Record => None,
        }
    }
}

/// What an operation would do, in order, with its SQL: the result of
/// [`Migrator::plan`].
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The steps in execution order.
    pub steps: Vec<PlannedStep>,
}

impl Plan {
    /// Whether the operation has nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The `(kind, version)` of each step, for quick inspection.
    pub fn summary(&self) -> Vec<(StepKind, &'static str)> {
        self.steps
            .iter()
            .map(|s| (s.kind, s.migration.version.text))
            .collect()
    }
}

/// One step per paragraph: a header line, then each statement followed by `;`.
impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let m = step.migration;
            write!(f, "-- {} {} {}", step.kind, m.version, m.name)?;
            match step.section() {
                Some(section) => {
                    let mode = if section.transactional {
                        "in a transaction"
                    } else {
                        "without a transaction"
                    };
                    writeln!(f, " ({}, {mode})", section.file)?;
                    for statement in section.statements {
                        writeln!(f, "{};", statement.sql)?;
                    }
                }
                None => writeln!(f, " (recorded as applied, no SQL runs)")?,
            }
        }
        Ok(())
    }
}

/// A step this runner carried out.
#[derive(Clone, Copy, Debug)]
pub struct Completed {
    /// What was done.
    pub kind: StepKind,
    /// To which migration.
    pub migration: &'static Migration,
    /// How long its statements took.
    pub duration: Duration,
}

/// What an operation did: the steps this runner carried out, in order.
/// Steps that a concurrent runner carried out first are not listed.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The completed steps.
    pub steps: Vec<Completed>,
}

impl Report {
    /// The versions of the completed steps, in order.
    pub fn versions(&self) -> Vec<&'static str> {
        self.steps
            .iter()
            .map(|s| s.migration.version.text)
            .collect()
    }
}

/// An operation, for [`Migrator::plan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// [`Migrator::run`].
    Run,
    /// [`Migrator::run_to`].
    RunTo(Target),
    /// [`Migrator::rollback_to`].
    RollbackTo(Target),
    /// [`Migrator::redo`].
    Redo,
    /// [`Migrator::baseline`].
    Baseline(Target),
    /// [`Migrator::record_applied`].
    RecordApplied(Vec<Target>),
}

/// How to settle a dirty migration, for [`Migrator::resolve`].
///
/// ```
/// use migrate_runtime::Resolution;
/// // After checking the database: the statement reached did not take
/// // effect, and its cause is fixed.
/// let how = Resolution::Resume;
/// assert_ne!(how, Resolution::Applied);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// All effects of its up section are in place (the rest was run by hand,
    /// or a dirty down section was undone by hand): record it as applied.
    Applied,
    /// None of its up effects remain (they were undone by hand, or a dirty
    /// down section was finished by hand): delete its record, so that the
    /// next run applies it from the start.
    RolledBack,
    /// The statement reached did not take effect (or was undone by hand) and
    /// its cause is fixed: run the section on from it, statement by
    /// statement as before. Refused with [`Error::ResumeChanged`] when a
    /// statement that already ran was edited since (each completed
    /// statement's checksum is recorded with the progress).
    Resume,
}

/// The state of one migration, as reported by [`Migrator::status`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Applied, with the checksum of the binary.
    Applied,
    /// Not applied yet.
    Pending,
    /// Not applied, and older than the newest applied migration: `run`
    /// refuses unless [`Migrator::allow_out_of_order`].
    PendingOutOfOrder,
    /// A section run outside a transaction stopped in the middle.
    Dirty {
        /// The section that stopped.
        direction: Direction,
        /// How many of its statements completed.
        statements_done: u32,
    },
    /// Applied, but the migration changed since.
    Changed {
        /// The checksum recorded when it was applied.
        recorded: String,
    },
    /// Recorded in the history but absent from this binary.
    Missing,
}

/// One line of [`Migrator::status`].
#[derive(Clone, Debug)]
pub struct MigrationStatus {
    /// The version text.
    pub version: String,
    /// The migration's name.
    pub name: String,
    /// Its state.
    pub state: State,
    /// When it was applied (for dirty ones, when the section started).
    pub applied_at: Option<String>,
    /// How long applying it took.
    pub duration: Option<Duration>,
    /// The migration in the binary (`None` when [`State::Missing`]).
    pub migration: Option<&'static Migration>,
}

/// Applies, verifies and rolls back the migrations of an embedded table.
///
/// Every operation that changes the database first validates the whole
/// history against the binary and changes nothing if an applied migration
/// was edited ([`Error::ChecksumMismatch`]) or is unknown
/// ([`Error::MissingMigration`]), if a migration is dirty
/// ([`Error::Dirty`]), or (for `run` and `run_to`) if a pending migration is
/// older than the newest applied one ([`Error::OutOfOrder`]).
///
/// Each migration runs under an exclusive lock (SQLite: `BEGIN IMMEDIATE`,
/// waiting up to the connection's busy timeout, 5 s by default in
/// rusqlite), and the history is read again under it, so concurrent runners
/// apply each migration exactly once. A section in a transaction commits
/// together with its history row. A section marked
/// `-- migrate:no-transaction` runs statement by statement: it is recorded
/// `dirty` first, its progress after each statement, and `applied` at the end;
/// SQLite cannot hold the lock across it, so a runner starting meanwhile
/// stops with [`Error::Dirty`] rather than wait.
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use migrate_runtime::{Dialect, Migration, Migrations, Migrator, Section, Statement, Version};
///
/// // What `embed_migrations!` generates for `migrations/1_users.sql`.
/// static MIGRATIONS: Migrations = Migrations::new(
///     &[Migration {
///         version: Version::new("1", &[1]),
///         name: "users",
///         up: Section {
///             statements: &[Statement::new("CREATE TABLE users (id INTEGER PRIMARY KEY)", 2)],
///             transactional: true,
///             file: "migrations/1_users.sql",
///         },
///         down: Some(Section {
///             statements: &[Statement::new("DROP TABLE users", 4)],
///             transactional: true,
///             file: "migrations/1_users.sql",
///         }),
///         irreversible: None,
///         checksum: "sha256:0123",
///     }],
///     Dialect::Sqlite,
///     "migrate_history",
/// );
///
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// let report = Migrator::new(&MIGRATIONS).run(&mut conn)?;
/// assert_eq!(report.versions(), ["1"]);
/// // Running again does nothing.
/// assert!(Migrator::new(&MIGRATIONS).run(&mut conn)?.steps.is_empty());
/// # Ok(()) }
/// # #[cfg(not(feature = "sqlite"))] fn main() {}
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Migrator {
    migrations: &'static Migrations,
    allow_out_of_order: bool,
    lock_wait: Duration,
    lock_timeout: Option<Duration>,
    lock_retries: u32,
    retry_backoff: Duration,
}

/// The history rows with their parsed versions.
struct History<'a> {
    rows: Vec<(Option<Vec<u64>>, &'a HistoryRow)>,
}

impl<'a> History<'a> {
    /// The rows keyed in the order of `migrations`: a row of one of them
    /// sorts where that migration does.
    fn new(rows: &'a [HistoryRow], migrations: &Migrations) -> Self {
        // In a table ordered as text a row's key is its migration's: look
        // them up by version once, not with a scan of the table per row.
        let by_text: HashMap<&str, &[u64]> = match migrations.version_order() {
            VersionOrder::Numeric => HashMap::new(),
            VersionOrder::Text => migrations
                .migrations()
                .iter()
                .map(|m| (m.version.text, m.version.parts))
                .collect(),
        };
        let key = |version: &str| match by_text.get(version) {
            Some(parts) => Some(parts.to_vec()),
            None => migrations.key_of(version),
        };
        let mut rows: Vec<_> = rows.iter().map(|r| (key(&r.version), r)).collect();
        rows.sort_by(|(a, ra), (b, rb)| cmp_row_versions(a.as_deref(), b.as_deref(), ra, rb));
        History { rows }
    }

    fn find(&self, version: &Version) -> Option<&'a HistoryRow> {
        self.find_parts(version.parts)
    }

    fn find_target(&self, target: &Target, migrations: &Migrations) -> Option<&'a HistoryRow> {
        if target.is_start() {
            return None;
        }
        self.find_parts(&migrations.key_of(target.text())?)
    }

    /// Binary search: rows are sorted, unparseable versions last.
    fn find_parts(&self, parts: &[u64]) -> Option<&'a HistoryRow> {
        self.rows
            .binary_search_by(|(p, _)| match p {
                Some(p) => compare_parts(p, parts),
                None => Ordering::Greater,
            })
            .ok()
            .map(|i| self.rows[i].1)
    }

    /// The parts of the newest recorded version.
    fn newest(&self) -> Option<(&[u64], &'a HistoryRow)> {
        self.rows
            .iter()
            .rev()
            .find_map(|(p, r)| p.as_deref().map(|p| (p, *r)))
    }
}

/// Orders rows by version; unparseable versions last, by text.
fn cmp_row_versions(
    a: Option<&[u64]>,
    b: Option<&[u64]>,
    ra: &HistoryRow,
    rb: &HistoryRow,
) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => compare_parts(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => ra.version.cmp(&rb.version),
    }
}

impl Migrator {
    /// A migrator over the table generated by `embed_migrations!`.
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Migrations, Migrator};
    /// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history");
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// assert!(migrator.migrations().migrations().is_empty());
    /// ```
    pub const fn new(migrations: &'static Migrations) -> Self {
        Migrator {
            migrations,
            allow_out_of_order: false,
            lock_wait: Duration::from_secs(300),
            lock_timeout: Some(Duration::from_secs(5)),
            lock_retries: 3,
            retry_backoff: Duration::from_millis(500),
        }
    }

    /// How long a runner waits for the migration lock while another runner
    /// holds it (default 5 minutes): then it fails with
    /// [`Error::LockTimeout`] naming the holder. The wait polls with backoff
    /// and never holds a transaction open (on PostgreSQL a blocked
    /// `pg_advisory_lock` would deadlock with the holder's
    /// `CREATE INDEX CONCURRENTLY`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use migrate_runtime::{Dialect, Migrations, Migrator};
    /// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Postgres, "migrate_history");
    /// let migrator = Migrator::new(&MIGRATIONS).lock_wait(Duration::from_secs(30));
    /// assert_eq!(migrator.lock_wait_duration(), Duration::from_secs(30));
    /// ```
    pub const fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// How long the runner waits for the migration lock.
    pub const fn lock_wait_duration(&self) -> Duration {
        self.lock_wait
    }

    /// How long each statement of a migration may wait for a table lock
    /// (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout` rounded up to
    /// whole seconds), set before each migration; `None` keeps the session's
    /// setting. Default 5 s: a migration queued behind a long transaction
    /// fails fast instead of stalling every query queued behind it, and is
    /// retried ([`lock_retries`](Migrator::lock_retries)). PostgreSQL
    /// statements that run `CONCURRENTLY` are exempt: they block no reads or
    /// writes while they wait, and a timed-out concurrent build would leave an
    /// INVALID index behind.
    ///
    /// ```
    /// use std::time::Duration;
    /// use migrate_runtime::{Dialect, Migrations, Migrator};
    /// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Postgres, "migrate_history");
    /// let migrator = Migrator::new(&MIGRATIONS).lock_timeout(Some(Duration::from_secs(2)));
    /// assert_eq!(migrator.lock_timeout_duration(), Some(Duration::from_secs(2)));
    /// ```
    pub const fn lock_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The per-statement lock timeout.
    pub const fn lock_timeout_duration(&self) -> Option<Duration> {
        self.lock_timeout
    }

    /// How many times a migration whose statement timed out waiting for a
    /// lock is retried (default 3), after a backoff that starts at
    /// [`retry_backoff`](Migrator::retry_backoff) and doubles. A transactional
    /// migration is rolled back and retried whole; in a section run statement
    /// by statement, the statement that timed out (and had no effect) is
    /// retried.
    ///
    /// ```
    /// use std::time::Duration;
    /// use migrate_runtime::{Dialect, Migrations, Migrator};
    /// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Postgres, "migrate_history");
    /// let migrator = Migrator::new(&MIGRATIONS)
    ///     .lock_retries(5)
    ///     .retry_backoff(Duration::from_secs(1));
    /// assert_eq!(migrator.lock_retry_count(), 5);
    /// ```
    pub const fn lock_retries(mut self, retries: u32) -> Self {
        self.lock_retries = retries;
        self
    }

    /// How many lock-timeout retries are allowed.
    pub const fn lock_retry_count(&self) -> u32 {
        self.lock_retries
    }

    /// The first delay before a lock-timeout retry (default 500 ms; each
    /// next one doubles, with jitter, up to 30 s).
    pub const fn retry_backoff(mut self, first: Duration) -> Self {
        self.retry_backoff = first;
        self
    }

    /// Whether `run` and `run_to` may apply a pending migration older than
    /// the newest applied one (default `false`: [`Error::OutOfOrder`]).
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Migrations, Migrator};
    /// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history");
    /// let migrator = Migrator::new(&MIGRATIONS).allow_out_of_order(true);
    /// assert!(migrator.allows_out_of_order());
    /// ```
    pub const fn allow_out_of_order(mut self, allow: bool) -> Self {
        self.allow_out_of_order = allow;
        self
    }

    /// Whether out-of-order migrations are allowed.
    pub const fn allows_out_of_order(&self) -> bool {
        self.allow_out_of_order
    }

    /// The embedded table.
    pub const fn migrations(&self) -> &'static Migrations {
        self.migrations
    }

    /// The state of every migration of the binary and of every history row
    /// the binary does not know, by version. Reports problems instead of
    /// failing on them, and changes nothing (not even creating the history
    /// table).
    ///
    /// # Errors
    ///
    /// A database failure, an invalid history table name, or a dialect mismatch.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// #     Migration { version: Version::new("2", &[2]), name: "b",
    /// #         up: s(&[Statement::new("CREATE TABLE b (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE b", 3)])),
    /// #         irreversible: None, checksum: "sha256:bb" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// migrator.run_to(&mut conn, 1)?;
    /// let states: Vec<State> = migrator.status(&mut conn)?.into_iter().map(|s| s.state).collect();
    /// assert_eq!(states, [State::Applied, State::Pending]);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn status<B: Backend + ?Sized>(&self, conn: &mut B) -> Result<Vec<MigrationStatus>, Error> {
        self.check_dialect(conn)?;
        let table = self.table()?;
        let rows = read_if_exists(conn, &table)?;
        let history = History::new(&rows, self.migrations);
        let newest = history.newest().map(|(p, _)| p);
        let mut out: Vec<(Option<Vec<u64>>, MigrationStatus)> = Vec::new();
        for m in self.migrations.migrations() {
            let row = history.find(&m.version);
            let state = match row {
                None if newest.is_some_and(|n| compare_parts(m.version.parts, n).is_lt()) => {
                    State::PendingOutOfOrder
                }
                None => State::Pending,
                Some(r) if r.state.is_dirty() => State::Dirty {
                    direction: direction_of(r.state),
                    statements_done: r.statements_done,
                },
                Some(r) if r.checksum != m.checksum => State::Changed {
                    recorded: r.checksum.clone(),
                },
                Some(_) => State::Applied,
            };
            out.push((
                Some(m.version.parts.to_vec()),
                MigrationStatus {
                    version: m.version.text.to_owned(),
                    name: m.name.to_owned(),
                    state,
                    applied_at: row.map(|r| r.applied_at.clone()),
                    duration: row.map(HistoryRow::duration),
                    migration: Some(m),
                },
            ));
        }
        for (parts, row) in &history.rows {
            if self.migration_of(parts.as_deref()).is_none() {
                out.push((
                    parts.clone(),
                    MigrationStatus {
                        version: row.version.clone(),
                        name: row.name.clone(),
                        state: unknown_row_state(row),
                        applied_at: Some(row.applied_at.clone()),
                        duration: Some(row.duration()),
                        migration: None,
                    },
                ));
            }
        }
        out.sort_by(|(a, x), (b, y)| match (a, b) {
            (Some(a), Some(b)) => compare_parts(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x.version.cmp(&y.version),
        });
        Ok(out.into_iter().map(|(_, s)| s).collect())
    }

    /// Applies every pending migration, oldest first.
    ///
    /// # Errors
    ///
    /// A validation error (nothing is changed), or the first failing
    /// statement ([`Error::Statement`]): migrations before it stay applied.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// #     Migration { version: Version::new("2", &[2]), name: "b",
    /// #         up: s(&[Statement::new("CREATE TABLE b (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE b", 3)])),
    /// #         irreversible: None, checksum: "sha256:bb" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let report = Migrator::new(&MIGRATIONS).run(&mut conn)?;
    /// assert_eq!(report.versions(), ["1", "2"]);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn run<B: Backend + ?Sized>(&self, conn: &mut B) -> Result<Report, Error> {
        if self.all_applied(conn) {
            return Ok(Report::default());
        }
        self.perform(conn, &Action::Run)
    }

    /// The start-up fast path: whether the history holds exactly this
    /// binary's migrations, all applied and unchanged. Read without the
    /// lock: a runner busy with a migration leaves a dirty row, or none yet,
    /// either of which fails the comparison and sends `run` down the full
    /// path, which waits for the lock. Any error also takes the full path,
    /// which reports it.
    ///
    /// The three columns compared are read, not a digest the database
    /// computes: on the new connection of a starting service, the functions
    /// and operators of such a query cost PostgreSQL more catalog lookups
    /// than sending a thousand rows costs (`migrate-runtime/BENCH.md`).
    fn all_applied<B: Backend + ?Sized>(&self, conn: &mut B) -> bool {
        let (Ok(()), Ok(table)) = (self.check_dialect(conn), self.table()) else {
            return false;
        };
        if !matches!(conn.history_exists(&table), Ok(true)) {
            return false;
        }
        let mut history = ExactlyApplied::new(self.migrations.migrations());
        conn.scan_checksums(&table, &mut |row| history.row(row))
            .is_ok()
            && history.matched()
    }

    /// Applies the pending migrations up to and including `target`, which
    /// must be the version of a migration of the binary.
    ///
    /// # Errors
    ///
    /// As [`run`](Migrator::run), plus [`Error::InvalidTarget`] and [`Error::UnknownTarget`].
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// #     Migration { version: Version::new("2", &[2]), name: "b",
    /// #         up: s(&[Statement::new("CREATE TABLE b (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE b", 3)])),
    /// #         irreversible: None, checksum: "sha256:bb" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let report = Migrator::new(&MIGRATIONS).run_to(&mut conn, "1")?;
    /// assert_eq!(report.versions(), ["1"]);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn run_to<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        target: impl Into<Target>,
    ) -> Result<Report, Error> {
        self.perform(conn, &Action::RunTo(target.into()))
    }

    /// Runs the down sections of the applied migrations newer than `target`,
    /// newest first; `target` itself stays applied. `target` is a version of
    /// the binary, or `0` to roll back everything.
    ///
    /// # Errors
    ///
    /// [`Error::Irreversible`] naming the first migration without a down
    /// section (checked before anything is rolled back), a validation error,
    /// or a failing statement.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// #     Migration { version: Version::new("2", &[2]), name: "b",
    /// #         up: s(&[Statement::new("CREATE TABLE b (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE b", 3)])),
    /// #         irreversible: None, checksum: "sha256:bb" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// migrator.run(&mut conn)?;
    /// assert_eq!(migrator.rollback_to(&mut conn, 1)?.versions(), ["2"]);
    /// assert_eq!(migrator.rollback_to(&mut conn, 0)?.versions(), ["1"]);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn rollback_to<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        target: impl Into<Target>,
    ) -> Result<Report, Error> {
        self.perform(conn, &Action::RollbackTo(target.into()))
    }

    /// Rolls back the newest applied migration, then applies it again.
    ///
    /// # Errors
    ///
    /// [`Error::NothingApplied`], [`Error::Irreversible`], a validation error
    /// or a failing statement.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// migrator.run(&mut conn)?;
    /// let kinds: Vec<StepKind> = migrator.redo(&mut conn)?.steps.iter().map(|s| s.kind).collect();
    /// assert_eq!(kinds, [StepKind::Revert, StepKind::Apply]);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn redo<B: Backend + ?Sized>(&self, conn: &mut B) -> Result<Report, Error> {
        self.perform(conn, &Action::Redo)
    }

    /// Records every migration up to and including `target` as applied
    /// without running its SQL: for a database whose schema already exists.
    ///
    /// # Errors
    ///
    /// [`Error::BaselineNotEmpty`] if the history has any row,
    /// [`Error::InvalidTarget`], [`Error::UnknownTarget`].
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// #     Migration { version: Version::new("2", &[2]), name: "b",
    /// #         up: s(&[Statement::new("CREATE TABLE b (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE b", 3)])),
    /// #         irreversible: None, checksum: "sha256:bb" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE a (x)")?; // the schema exists already
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// migrator.baseline(&mut conn, 1)?;
    /// assert_eq!(migrator.run(&mut conn)?.versions(), ["2"]);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn baseline<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        target: impl Into<Target>,
    ) -> Result<Report, Error> {
        self.perform(conn, &Action::Baseline(target.into()))
    }

    /// Records exactly the migrations `versions` names as applied, without
    /// running their SQL: for a database that another tool migrated, whose
    /// applied set may have gaps (a migration merged late and applied out of
    /// order, or one it never ran). Unlike [`baseline`](Migrator::baseline),
    /// nothing between the versions is recorded; a migration left out stays
    /// pending.
    ///
    /// Like `baseline`, it takes the migration lock, writes the rows in one
    /// transaction and is refused once the history has rows, except when
    /// the history already records exactly this set with the same checksums:
    /// then it does nothing (an empty report), so that running it again, or
    /// two runners at once, is harmless.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTarget`] or [`Error::UnknownTarget`] for a version
    /// that names no migration; the history's own errors
    /// ([`Error::ChecksumMismatch`], [`Error::MissingMigration`],
    /// [`Error::Dirty`]); [`Error::BaselineNotEmpty`] if the history has
    /// other rows.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/x.sql" }
    /// # }
    /// # const fn m(version: Version, name: &'static str, up: &'static [Statement],
    /// #     checksum: &'static str) -> Migration {
    /// #     Migration { version, name, up: s(up), down: None,
    /// #         irreversible: Some("example"), checksum }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     m(Version::new("1", &[1]), "a", &[Statement::new("CREATE TABLE a (x)", 1)], "sha256:aa"),
    /// #     m(Version::new("2", &[2]), "b", &[Statement::new("CREATE TABLE b (x)", 1)], "sha256:bb"),
    /// #     m(Version::new("3", &[3]), "c", &[Statement::new("CREATE TABLE c (x)", 1)], "sha256:cc"),
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// // Another tool applied 1 and 3, not 2.
    /// conn.execute_batch("CREATE TABLE a (x); CREATE TABLE c (x);")?;
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// assert_eq!(migrator.record_applied(&mut conn, ["1", "3"])?.versions(), ["1", "3"]);
    /// let states: Vec<State> = migrator.status(&mut conn)?.into_iter().map(|r| r.state).collect();
    /// assert_eq!(states, [State::Applied, State::PendingOutOfOrder, State::Applied]);
    /// // The same set again: nothing to do. Another set: refused.
    /// assert!(migrator.record_applied(&mut conn, ["1", "3"])?.steps.is_empty());
    /// assert!(matches!(
    ///     migrator.record_applied(&mut conn, ["1"]),
    ///     Err(Error::BaselineNotEmpty { rows: 2, .. })
    /// ));
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn record_applied<B, I>(&self, conn: &mut B, versions: I) -> Result<Report, Error>
    where
        B: Backend + ?Sized,
        I: IntoIterator,
        I::Item: Into<Target>,
    {
        let targets = versions.into_iter().map(Into::into).collect();
        self.perform(conn, &Action::RecordApplied(targets))
    }

    /// What `action` would do, with its SQL, after the same validation;
    /// changes nothing (not even creating the history table) and takes no lock.
    ///
    /// # Errors
    ///
    /// The error the action itself would report before changing anything.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # const fn s(statements: &'static [Statement]) -> Section {
    /// #     Section { statements, transactional: true, file: "migrations/1_a.sql" }
    /// # }
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: s(&[Statement::new("CREATE TABLE a (x)", 1)]),
    /// #         down: Some(s(&[Statement::new("DROP TABLE a", 3)])),
    /// #         irreversible: None, checksum: "sha256:aa" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let plan = Migrator::new(&MIGRATIONS).plan(&mut conn, Action::Run)?;
    /// assert_eq!(plan.summary(), [(StepKind::Apply, "1")]);
    /// assert_eq!(
    ///     plan.to_string(),
    ///     "-- apply 1 a (migrations/1_a.sql, in a transaction)\nCREATE TABLE a (x);\n"
    /// );
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn plan<B: Backend + ?Sized>(&self, conn: &mut B, action: Action) -> Result<Plan, Error> {
        self.check_dialect(conn)?;
        let table = self.table()?;
        let rows = read_if_exists(conn, &table)?;
        let steps = self.prepare(&table, &History::new(&rows, self.migrations), &action)?;
        Ok(Plan { steps })
    }

    /// Settles a dirty migration: after it was checked (and fixed) by hand,
    /// [`Resolution::Applied`] records it as applied,
    /// [`Resolution::RolledBack`] deletes its record so that the next run
    /// applies it from the start, and [`Resolution::Resume`] runs its section
    /// on from the statement reached (returning that step in the report).
    ///
    /// # Errors
    ///
    /// [`Error::NotDirty`] if the migration is applied or not recorded;
    /// for `Resume`, [`Error::ResumeChanged`] if a statement that ran was
    /// edited since, [`Error::MissingMigration`] if the binary does not
    /// contain the migration, or the statement that fails again.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use migrate_runtime::*;
    /// # static MIGRATIONS: Migrations = Migrations::new(&[
    /// #     Migration { version: Version::new("1", &[1]), name: "a",
    /// #         up: Section {
    /// #             statements: &[
    /// #                 Statement::new("CREATE TABLE a (x)", 2),
    /// #                 Statement::new("INSERT INTO b VALUES (1)", 3),
    /// #             ],
    /// #             transactional: false,
    /// #             file: "migrations/1_a.sql",
    /// #         },
    /// #         down: None, irreversible: Some("example"), checksum: "sha256:aa" },
    /// # ], Dialect::Sqlite, "migrate_history");
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// // `a` is created, then the INSERT fails: table `b` does not exist.
    /// assert!(migrator.run(&mut conn).is_err());
    /// assert!(matches!(migrator.status(&mut conn)?[0].state, State::Dirty { statements_done: 1, .. }));
    /// conn.execute_batch("CREATE TABLE b (x)")?; // the cause, fixed
    /// let report = migrator.resolve(&mut conn, 1, Resolution::Resume)?;
    /// assert_eq!(report.versions(), ["1"]);
    /// assert_eq!(migrator.status(&mut conn)?[0].state, State::Applied);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn resolve<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        target: impl Into<Target>,
        resolution: Resolution,
    ) -> Result<Report, Error> {
        let target = target.into();
        if target.parts().is_none() {
            return Err(Error::InvalidTarget {
                target: target.text().to_owned(),
            });
        }
        self.check_dialect(conn)?;
        let table = self.table()?;
        self.locked(conn, &table, |conn, _scope| {
            let not_dirty = |state| Error::NotDirty {
                version: target.text().to_owned(),
                state,
            };
            if !conn
                .history_exists(&table)
                .map_err(|e| read_error(&table, e))?
            {
                return Err(not_dirty("not applied"));
            }
            if resolution == Resolution::Resume {
                return self.resume(conn, &table, &target);
            }
            let version = target.text().to_owned();
            let v = Some(version.as_str());
            begin(conn, v)?;
            let result = (|| {
                let rows = conn
                    .read_history(&table)
                    .map_err(|e| read_error(&table, e))?;
                let history = History::new(&rows, self.migrations);
                let row = match history.find_target(&target, self.migrations) {
                    Some(row) if row.state.is_dirty() => row,
                    Some(_) => return Err(not_dirty("applied")),
                    None => return Err(not_dirty("not applied")),
                };
                let written = match resolution {
                    Resolution::Applied => {
                        let migration =
                            self.migration_of(self.migrations.key_of(&row.version).as_deref());
                        let mut row = row.clone();
                        row.state = RowState::Applied;
                        row.statement_checksums.clear();
                        if let Some(m) = migration {
                            row.statements_done = count(m.up.statements.len());
                            row.checksum = m.checksum.to_owned();
                        }
                        conn.update_row(&table, &row)
                    }
                    Resolution::RolledBack | Resolution::Resume => {
                        conn.delete_row(&table, &row.version)
                    }
                };
                written.map_err(|e| write_error(&table, v, e))
            })();
            finish(conn, v, result)?;
            Ok(Report::default())
        })
    }

    /// [`Resolution::Resume`]: runs the dirty section on from the statement reached.
    fn resume<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        target: &Target,
    ) -> Result<Report, Error> {
        let rows = conn.read_history(table).map_err(|e| read_error(table, e))?;
        let history = History::new(&rows, self.migrations);
        let row = match history.find_target(target, self.migrations) {
            Some(row) if row.state.is_dirty() => row.clone(),
            found => {
                return Err(Error::NotDirty {
                    version: target.text().to_owned(),
                    state: if found.is_some() {
                        "applied"
                    } else {
                        "not applied"
                    },
                });
            }
        };
        let Some(m) = self.migration_of(self.migrations.key_of(&row.version).as_deref()) else {
            return Err(Error::MissingMigration {
                version: row.version.clone(),
                name: row.name.clone(),
                table: table.to_string(),
            });
        };
        let direction = direction_of(row.state);
        let (kind, section) = match direction {
            Direction::Up => (StepKind::Apply, &m.up),
            Direction::Down => (
                StepKind::Revert,
                m.down.as_ref().ok_or_else(|| irreversible(m))?,
            ),
        };
        // The statements that ran must be those of the binary.
        let done = row.statements_done as usize;
        let recorded = decode_checksums(&row.statement_checksums).unwrap_or_default();
        for index in 0..done {
            let same = match (section.statements.get(index), recorded.get(index)) {
                (Some(st), Some(&sum)) => statement_checksum(st.sql) == sum,
                _ => false,
            };
            if !same {
                let st = section
                    .statements
                    .get(index)
                    .or(section.statements.last())
                    .copied()
                    .unwrap_or(crate::Statement::new("", 0));
                return Err(Error::ResumeChanged {
                    version: m.version.text.to_owned(),
                    name: m.name.to_owned(),
                    index: index.min(section.statements.len().saturating_sub(1)),
                    file: section.file,
                    line: st.line,
                    sql: st.sql,
                });
            }
        }
        let v = Some(m.version.text);
        conn.set_lock_timeout(self.lock_timeout)
            .map_err(|e| Error::database(v, "setting the lock timeout", e))?;
        let mut row = row;
        row.checksum = m.checksum.to_owned();
        let started = Instant::now();
        let duration = self.run_tracked(
            conn,
            table,
            Tracked {
                migration: m,
                direction,
                section,
                from: done,
                mark: None,
                started,
            },
            &mut row,
        )?;
        Ok(Report {
            steps: vec![Completed {
                kind,
                migration: m,
                duration,
            }],
        })
    }

    // ---- internals ----

    fn table(&self) -> Result<HistoryTable, Error> {
        HistoryTable::parse(self.migrations.history_table())
    }

    fn check_dialect<B: Backend + ?Sized>(&self, conn: &B) -> Result<(), Error> {
        let (expected, actual) = (self.migrations.dialect(), conn.dialect());
        if expected == actual {
            Ok(())
        } else {
            Err(Error::DialectMismatch {
                expected: expected.name(),
                actual: actual.name(),
            })
        }
    }

    fn migration_of(&self, parts: Option<&[u64]>) -> Option<&'static Migration> {
        let parts = parts?;
        let all = self.migrations.migrations();
        // The macro sorts the table; a hand-built one may not be.
        match all.binary_search_by(|m| compare_parts(m.version.parts, parts)) {
            Ok(i) => Some(&all[i]),
            Err(_) => all
                .iter()
                .find(|m| compare_parts(m.version.parts, parts) == Ordering::Equal),
        }
    }

    /// Checks the history against the binary: dirty rows, then edited and
    /// unknown migrations, then (if `check_order`) out-of-order pending ones.
    fn validate(
        &self,
        table: &HistoryTable,
        history: &History<'_>,
        check_order: bool,
    ) -> Result<(), Error> {
        if let Some((parts, row)) = history.rows.iter().find(|(_, r)| r.state.is_dirty()) {
            return Err(self.dirty_error(parts.as_deref(), row));
        }
        for (parts, row) in &history.rows {
            match self.migration_of(parts.as_deref()) {
                None => {
                    return Err(Error::MissingMigration {
                        version: row.version.clone(),
                        name: row.name.clone(),
                        table: table.to_string(),
                    });
                }
                Some(m) if m.checksum != row.checksum => {
                    return Err(Error::ChecksumMismatch {
                        version: m.version.text.to_owned(),
                        name: m.name.to_owned(),
                        recorded: row.checksum.clone(),
                        current: m.checksum.to_owned(),
                    });
                }
                Some(_) => {}
            }
        }
        if check_order
            && !self.allow_out_of_order
            && let Some((newest, newest_row)) = history.newest()
        {
            let older_pending = self.migrations.migrations().iter().find(|m| {
                compare_parts(m.version.parts, newest).is_lt() && history.find(&m.version).is_none()
            });
            if let Some(m) = older_pending {
                return Err(Error::OutOfOrder {
                    version: m.version.text.to_owned(),
                    name: m.name.to_owned(),
                    newest_applied: newest_row.version.clone(),
                });
            }
        }
        Ok(())
    }

    fn dirty_error(&self, parts: Option<&[u64]>, row: &HistoryRow) -> Error {
        let direction = direction_of(row.state);
        let migration = self.migration_of(parts);
        let section = migration.and_then(|m| match direction {
            Direction::Up => Some(&m.up),
            Direction::Down => m.down.as_ref(),
        });
        let statement = section.and_then(|s| s.statements.get(row.statements_done as usize));
        Error::Dirty(Box::new(DirtyMigration {
            version: row.version.clone(),
            name: row.name.clone(),
            direction,
            statements_done: row.statements_done,
            total: section.map(|s| s.statements.len()),
            file: section.map(|s| s.file),
            statement: statement.map(|s| (s.sql, s.line)),
            edited: migration.is_some_and(|m| m.checksum != row.checksum),
        }))
    }

    /// The migration a target names; `allow_zero` accepts `0` for "before all".
    fn resolve_target(
        &self,
        target: &Target,
        allow_zero: bool,
    ) -> Result<Option<&'static Migration>, Error> {
        if target.parts().is_none() {
            return Err(Error::InvalidTarget {
                target: target.text().to_owned(),
            });
        }
        if allow_zero && target.is_start() {
            return Ok(None);
        }
        match target.find(self.migrations) {
            Some(m) => Ok(Some(m)),
            None if allow_zero && target.is_zero() => Ok(None),
            None => Err(Error::UnknownTarget {
                target: target.text().to_owned(),
            }),
        }
    }

    /// The migration an action's target names (`None`: no target, or zero).
    fn target_of(&self, action: &Action) -> Result<Option<&'static Migration>, Error> {
        match action {
            Action::RunTo(t) | Action::Baseline(t) => self.resolve_target(t, false),
            Action::RollbackTo(t) => self.resolve_target(t, true),
            Action::RecordApplied(targets) => self.resolve_set(targets).map(|_| None),
            Action::Run | Action::Redo => Ok(None),
        }
    }

    /// The migrations a set of targets names, in table order, each once.
    fn resolve_set(&self, targets: &[Target]) -> Result<Vec<&'static Migration>, Error> {
        let mut set = Vec::with_capacity(targets.len());
        for target in targets {
            if let Some(m) = self.resolve_target(target, false)? {
                set.push(m);
            }
        }
        set.sort_by(|a, b| compare_parts(a.version.parts, b.version.parts));
        set.dedup_by(|a, b| compare_parts(a.version.parts, b.version.parts).is_eq());
        Ok(set)
    }

    /// Validates and computes the steps of `action` against `rows`.
    fn prepare(
        &self,
        table: &HistoryTable,
        history: &History<'_>,
        action: &Action,
    ) -> Result<Vec<PlannedStep>, Error> {
        // Check the target before the history, so a typo is reported as such.
        let target = self.target_of(action)?;
        self.validate(table, history, check_order(action))?;
        let all = self.migrations.migrations();
        let up_to = |m: &Migration| target.is_none_or(|t| m.version <= t.version);
        let step = |kind, migration| PlannedStep { kind, migration };
        let steps = match action {
            Action::Run | Action::RunTo(_) => all
                .iter()
                .filter(|m| up_to(m) && history.find(&m.version).is_none())
                .map(|m| step(StepKind::Apply, m))
                .collect(),
            Action::RollbackTo(_) => {
                let steps: Vec<_> = all
                    .iter()
                    .rev()
                    .filter(|m| target.is_none_or(|t| m.version > t.version))
                    .filter(|m| history.find(&m.version).is_some())
                    .map(|m| step(StepKind::Revert, m))
                    .collect();
                for s in &steps {
                    check_reversible(s.migration)?;
                }
                steps
            }
            Action::Redo => {
                let newest = all
                    .iter()
                    .rev()
                    .find(|m| history.find(&m.version).is_some())
                    .ok_or(Error::NothingApplied)?;
                check_reversible(newest)?;
                vec![
                    step(StepKind::Revert, newest),
                    step(StepKind::Apply, newest),
                ]
            }
            Action::Baseline(_) => {
                if !history.rows.is_empty() {
                    return Err(Error::BaselineNotEmpty {
                        table: table.to_string(),
                        rows: history.rows.len(),
                    });
                }
                all.iter()
                    .filter(|m| up_to(m))
                    .map(|m| step(StepKind::Record, m))
                    .collect()
            }
            Action::RecordApplied(targets) => {
                let set = self.resolve_set(targets)?;
                if !history.rows.is_empty() {
                    // Validated above: the rows are known, clean and unchanged.
                    let same = history.rows.len() == set.len()
                        && set.iter().all(|m| history.find(&m.version).is_some());
                    if same {
                        return Ok(Vec::new());
                    }
                    return Err(Error::BaselineNotEmpty {
                        table: table.to_string(),
                        rows: history.rows.len(),
                    });
                }
                set.into_iter().map(|m| step(StepKind::Record, m)).collect()
            }
        };
        Ok(steps)
    }

    /// Runs `f` between `lock` and `unlock`; unlocks after an error or a panic too.
    fn locked<B: Backend + ?Sized, T>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        f: impl FnOnce(&mut B, LockScope) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let waited = Instant::now();
        let scope = conn.lock(table, self.lock_wait).map_err(|e| {
            if e.is_lock_timeout() {
                Error::LockTimeout {
                    table: table.to_string(),
                    waited: waited.elapsed(),
                    holder: e.to_string(),
                }
            } else {
                Error::database(None, format!("taking the migration lock for `{table}`"), e)
            }
        })?;
        let result = panic::catch_unwind(AssertUnwindSafe(|| f(&mut *conn, scope)));
        let unlocked = conn.unlock(table);
        let value = match result {
            Ok(result) => result?,
            Err(payload) => panic::resume_unwind(payload),
        };
        unlocked.map_err(|e| {
            Error::database(
                None,
                format!("releasing the migration lock for `{table}`"),
                e,
            )
        })?;
        Ok(value)
    }

    fn perform<B: Backend + ?Sized>(&self, conn: &mut B, action: &Action) -> Result<Report, Error> {
        self.check_dialect(conn)?;
        let table = self.table()?;
        self.target_of(action)?;
        self.locked(conn, &table, |conn, scope| {
            conn.create_history(&table).map_err(|e| {
                Error::database(None, format!("creating the history table `{table}`"), e)
            })?;
            let rows = conn
                .read_history(&table)
                .map_err(|e| read_error(&table, e))?;
            let history = History::new(&rows, self.migrations);
            let steps = self.prepare(&table, &history, action)?;
            if let Action::Baseline(_) | Action::RecordApplied(_) = action {
                return self.record(conn, &table, steps);
            }
            let mut report = Report::default();
            for step in steps {
                let prior = match scope {
                    // Nobody else can have changed the history since it was read.
                    LockScope::Session => Prior::Known(match step.kind {
                        StepKind::Revert => history.find(&step.migration.version).cloned(),
                        StepKind::Apply | StepKind::Record => None,
                    }),
                    LockScope::Transaction => Prior::Reread,
                };
                if let Some(done) = self.execute(conn, &table, step, check_order(action), prior)? {
                    report.steps.push(done);
                }
            }
            Ok(report)
        })
    }

    /// Baseline: records `steps` in one transaction, if the history is still
    /// empty. No steps (the set is recorded already): nothing to write.
    fn record<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        steps: Vec<PlannedStep>,
    ) -> Result<Report, Error> {
        if steps.is_empty() {
            return Ok(Report::default());
        }
        begin(conn, None)?;
        let result = (|| {
            let rows = conn.read_history(table).map_err(|e| read_error(table, e))?;
            if !rows.is_empty() {
                return Err(Error::BaselineNotEmpty {
                    table: table.to_string(),
                    rows: rows.len(),
                });
            }
            let now = now_rfc3339();
            let mut report = Report::default();
            for step in steps {
                let m = step.migration;
                let row = new_row(
                    m,
                    RowState::Applied,
                    &now,
                    Duration::ZERO,
                    m.up.statements.len(),
                );
                conn.insert_row(table, &row)
                    .map_err(|e| write_error(table, Some(m.version.text), e))?;
                report.steps.push(Completed {
                    kind: StepKind::Record,
                    migration: m,
                    duration: Duration::ZERO,
                });
            }
            Ok(report)
        })();
        finish(conn, None, result)
    }

    /// Reads the history row of `m` inside the transaction just begun, after
    /// validating the history again (another runner may have run meanwhile).
    fn reread<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        m: &Migration,
        check_order: bool,
    ) -> Result<Option<HistoryRow>, Error> {
        let rows = conn.read_history(table).map_err(|e| read_error(table, e))?;
        let history = History::new(&rows, self.migrations);
        self.validate(table, &history, check_order)?;
        Ok(history.find(&m.version).cloned())
    }

    /// Applies or reverts one migration under the lock; `None` when another
    /// runner did it first.
    fn execute<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        step: PlannedStep,
        check_order: bool,
        prior: Prior,
    ) -> Result<Option<Completed>, Error> {
        let m = step.migration;
        let v = Some(m.version.text);
        let Some(section) = step.section() else {
            return Err(irreversible(m));
        };
        let direction = match step.kind {
            StepKind::Revert => Direction::Down,
            StepKind::Apply | StepKind::Record => Direction::Up,
        };
        conn.set_lock_timeout(self.lock_timeout).map_err(|e| {
            Error::database(
                v,
                format!("setting the lock timeout for migration {}", m.version),
                e,
            )
        })?;
        // Whether the step is still to do; `Err` after `begin` is finished here.
        let still_to_do = |prior: &Option<HistoryRow>| {
            matches!(
                (step.kind, prior),
                (StepKind::Apply, None) | (StepKind::Revert, Some(_))
            )
        };

        if section.transactional && conn.transactional_ddl() {
            let mut retries = 0;
            // Set after a batch failed without naming its statement: the
            // next attempt runs one step at a time to find what failed.
            let mut one_by_one = false;
            loop {
                let total = section.statements.len();
                let started = Instant::now();
                let completed = |duration| {
                    Some(Completed {
                        kind: step.kind,
                        migration: m,
                        duration,
                    })
                };
                // `open`: a transaction of ours is open and `result` must
                // still be committed or rolled back.
                let (result, open) = match &prior {
                    Prior::Known(prior) if !one_by_one => {
                        // Under a session lock: the whole migration in one call.
                        if !still_to_do(prior) {
                            return Ok(None);
                        }
                        let row =
                            new_row(m, RowState::Applied, &now_rfc3339(), Duration::ZERO, total);
                        let write = match direction {
                            Direction::Up => HistoryWrite::Insert(&row),
                            Direction::Down => HistoryWrite::Delete(m.version.text),
                        };
                        let result = conn
                            .run_transaction(table, section.statements, write)
                            .map(|()| completed(started.elapsed()))
                            .map_err(TxFailed::Batch);
                        (result, false)
                    }
                    _ => {
                        begin(conn, v)?;
                        let prior = match &prior {
                            Prior::Known(row) => row.clone(),
                            Prior::Reread => match self.reread(conn, table, m, check_order) {
                                Ok(row) => row,
                                Err(e) => return finish(conn, v, Err(e)),
                            },
                        };
                        if !still_to_do(&prior) {
                            return finish(conn, v, Ok(None));
                        }
                        let now = now_rfc3339();
                        let result = (|| {
                            let batch = TxFailed::Batch;
                            if one_by_one {
                                section
                                    .statements
                                    .iter()
                                    .enumerate()
                                    .try_for_each(|(index, statement)| {
                                        conn.execute_statement(statement).map_err(|cause| {
                                            BatchFailure {
                                                statement: Some(index),
                                                cause,
                                            }
                                        })
                                    })
                                    .map_err(batch)?;
                            } else {
                                conn.execute_all(section.statements).map_err(batch)?;
                            }
                            let duration = started.elapsed();
                            match direction {
                                Direction::Up => {
                                    let row = new_row(m, RowState::Applied, &now, duration, total);
                                    conn.insert_row(table, &row)
                                }
                                Direction::Down => conn.delete_row(table, m.version.text),
                            }
                            .map_err(|e| TxFailed::Other(write_error(table, v, e)))?;
                            Ok(completed(duration))
                        })();
                        (result, true)
                    }
                };
                // What failed, as the error to report; `None` for a failure
                // no statement was named for.
                let failure = match result {
                    Ok(done) => {
                        return if open {
                            finish(conn, v, Ok(done))
                        } else {
                            Ok(done)
                        };
                    }
                    Err(TxFailed::Other(e)) => Some(e),
                    Err(TxFailed::Batch(BatchFailure {
                        statement: Some(index),
                        cause,
                    })) => Some(statement_error(m, direction, section, index, false, cause)),
                    Err(TxFailed::Batch(BatchFailure {
                        statement: None,
                        cause,
                    })) if one_by_one => Some(Error::database(v, "running the migration", cause)),
                    Err(TxFailed::Batch(_)) => None,
                };
                if open {
                    let _ = conn.rollback();
                }
                match failure {
                    // Nothing of it remains; run it again to name what failed.
                    None => one_by_one = true,
                    Some(Error::Statement(failure))
                        if failure.cause.is_lock_timeout() && retries < self.lock_retries =>
                    {
                        std::thread::sleep(retry_delay(self.retry_backoff, retries));
                        retries += 1;
                    }
                    Some(Error::Statement(mut failure)) => {
                        failure.transactional = true;
                        failure.retries = retries;
                        return Err(Error::Statement(failure));
                    }
                    Some(e) => return Err(e),
                }
            }
        }

        // Statement by statement: recorded dirty first, then its progress.
        let merge_mark = conn.statement_transactions() && matches!(prior, Prior::Known(_));
        let prior = match prior {
            Prior::Known(row) => row,
            Prior::Reread => {
                begin(conn, v)?;
                match self.reread(conn, table, m, check_order) {
                    Ok(row) if still_to_do(&row) => {
                        // Mark it in this same transaction, then commit.
                        let (row, mark) = dirty_row(m, direction, row);
                        let marked = write_mark(conn, table, &row, mark, v);
                        finish(conn, v, marked)?;
                        return self.tracked_step(conn, table, step, section, direction, row, None);
                    }
                    Ok(_) => return finish(conn, v, Ok(None)),
                    Err(e) => return finish(conn, v, Err(e)),
                }
            }
        };
        if !still_to_do(&prior) {
            return Ok(None);
        }
        let (row, mark) = dirty_row(m, direction, prior);
        if merge_mark {
            // Written in the first statement's transaction.
            return self.tracked_step(conn, table, step, section, direction, row, Some(mark));
        }
        // One statement under the session lock: atomic without a transaction.
        write_mark(conn, table, &row, mark, v)?;
        self.tracked_step(conn, table, step, section, direction, row, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn tracked_step<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        step: PlannedStep,
        section: &'static Section,
        direction: Direction,
        mut row: HistoryRow,
        mark: Option<Mark>,
    ) -> Result<Option<Completed>, Error> {
        let started = Instant::now();
        let duration = self.run_tracked(
            conn,
            table,
            Tracked {
                migration: step.migration,
                direction,
                section,
                from: 0,
                mark,
                started,
            },
            &mut row,
        )?;
        Ok(Some(Completed {
            kind: step.kind,
            migration: step.migration,
            duration,
        }))
    }

    /// Runs `section` from statement `from` on, one statement at a time,
    /// recording the progress in `row` after each and the final state with
    /// the last. Where the backend has statement transactions, each statement
    /// commits together with its progress (and, for the first, with the
    /// `mark` that records the migration dirty).
    fn run_tracked<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        job: Tracked,
        row: &mut HistoryRow,
    ) -> Result<Duration, Error> {
        let Tracked {
            migration: m,
            direction,
            section,
            from,
            mut mark,
            started,
        } = job;
        let v = Some(m.version.text);
        let wrap = conn.statement_transactions();
        let total = section.statements.len();
        let final_write = |conn: &mut B, row: &mut HistoryRow, duration: Duration| {
            match direction {
                Direction::Up => {
                    row.state = RowState::Applied;
                    row.duration_ms = millis(duration);
                    row.statements_done = count(total);
                    row.statement_checksums.clear();
                    conn.update_row(table, row)
                }
                Direction::Down => conn.delete_row(table, m.version.text),
            }
            .map_err(|e| write_error(table, v, e))
        };
        if from >= total {
            // Nothing left to run (an empty section, or resumed after the last one).
            if wrap {
                begin(conn, v)?;
            }
            let result = (|| {
                if let Some(kind) = mark.take() {
                    write_mark(conn, table, row, kind, v)?;
                }
                final_write(conn, row, started.elapsed())
            })();
            if wrap {
                finish(conn, v, result)?;
            } else {
                result?;
            }
            return Ok(started.elapsed());
        }
        for index in from..total {
            let statement = &section.statements[index];
            let last = index + 1 == total;
            let mut retries = 0;
            loop {
                if wrap {
                    begin(conn, v)?;
                }
                let mut next = row.clone();
                let attempt = (|| {
                    if let Some(kind) = mark {
                        write_mark(conn, table, &next, kind, v).map_err(Failed::Other)?;
                    }
                    conn.execute_statement(statement)
                        .map_err(Failed::Statement)?;
                    next.statements_done = count(index + 1);
                    push_checksum(&mut next.statement_checksums, statement.sql);
                    if last {
                        final_write(conn, &mut next, started.elapsed()).map_err(Failed::Other)
                    } else {
                        conn.update_row(table, &next)
                            .map_err(|e| Failed::Other(write_error(table, v, e)))
                    }
                })();
                let attempt = match attempt {
                    Ok(()) if wrap => finish(conn, v, Ok(())).map_err(Failed::Other),
                    other => {
                        if other.is_err() && wrap {
                            let _ = conn.rollback();
                        }
                        other
                    }
                };
                match attempt {
                    Ok(()) => {
                        *row = next;
                        mark = None;
                        break;
                    }
                    Err(Failed::Statement(cause)) => {
                        // A mark written in the same transaction survives only
                        // if the statement committed it implicitly (MySQL DDL).
                        if mark.is_some() && self.is_dirty(conn, table, m) {
                            mark = None;
                        }
                        if cause.is_lock_timeout() && retries < self.lock_retries {
                            std::thread::sleep(retry_delay(self.retry_backoff, retries));
                            retries += 1;
                            continue;
                        }
                        let mut left_dirty = mark.is_none();
                        if left_dirty && cause.is_lock_timeout() && index == 0 {
                            // It never got its lock, and nothing ran before it:
                            // take the mark back, the next run starts afresh.
                            left_dirty = unmark(conn, table, m, direction, row).is_err();
                        }
                        let mut e =
                            statement_error(m, direction, section, index, left_dirty, cause);
                        if let Error::Statement(failure) = &mut e {
                            failure.retries = retries;
                        }
                        return Err(e);
                    }
                    Err(Failed::Other(e)) => return Err(e),
                }
            }
        }
        Ok(started.elapsed())
    }

    /// Whether the history records `m` as dirty (`true` when it cannot be read).
    fn is_dirty<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        m: &Migration,
    ) -> bool {
        match conn.read_history(table) {
            Ok(rows) => History::new(&rows, self.migrations)
                .find(&m.version)
                .is_some_and(|r| r.state.is_dirty()),
            Err(_) => true,
        }
    }
}

/// What the runner knows of a migration's history row before running it.
enum Prior {
    /// Read under a session lock: still current.
    Known(Option<HistoryRow>),
    /// Must be read again at the start of its transaction.
    Reread,
}

/// How the `dirty` row is written before a tracked section's first statement.
#[derive(Clone, Copy)]
enum Mark {
    /// A new row (up).
    Insert,
    /// The applied row turned `dirty_down` (down).
    Update,
}

/// A section to run statement by statement.
struct Tracked {
    migration: &'static Migration,
    direction: Direction,
    section: &'static Section,
    from: usize,
    mark: Option<Mark>,
    started: Instant,
}

/// Why a transactional migration did not complete.
enum TxFailed {
    /// Running it failed, at a statement when the backend could tell which.
    Batch(BatchFailure),
    /// Writing the history failed.
    Other(Error),
}

/// Why one tracked statement did not complete.
enum Failed {
    /// The statement itself failed.
    Statement(DbError),
    /// Writing the history or committing failed.
    Other(Error),
}

/// The `dirty` row for a tracked section, and how to write it.
fn dirty_row(m: &Migration, direction: Direction, prior: Option<HistoryRow>) -> (HistoryRow, Mark) {
    match (direction, prior) {
        (Direction::Down, Some(mut row)) => {
            row.state = RowState::DirtyDown;
            row.statements_done = 0;
            row.statement_checksums.clear();
            (row, Mark::Update)
        }
        _ => (
            new_row(m, RowState::Dirty, &now_rfc3339(), Duration::ZERO, 0),
            Mark::Insert,
        ),
    }
}

/// Undoes [`write_mark`]: the up row deleted, the down row applied again.
fn unmark<B: Backend + ?Sized>(
    conn: &mut B,
    table: &HistoryTable,
    m: &Migration,
    direction: Direction,
    row: &HistoryRow,
) -> Result<(), DbError> {
    match direction {
        Direction::Up => conn.delete_row(table, m.version.text),
        Direction::Down => {
            let mut row = row.clone();
            row.state = RowState::Applied;
            row.statements_done = count(m.up.statements.len());
            row.statement_checksums.clear();
            conn.update_row(table, &row)
        }
    }
}

fn write_mark<B: Backend + ?Sized>(
    conn: &mut B,
    table: &HistoryTable,
    row: &HistoryRow,
    mark: Mark,
    version: Option<&str>,
) -> Result<(), Error> {
    let mut row = row.clone();
    row.statements_done = 0;
    row.statement_checksums = encode_checksums([]);
    match mark {
        Mark::Insert => conn.insert_row(table, &row),
        Mark::Update => conn.update_row(table, &row),
    }
    .map_err(|e| write_error(table, version, e))
}

fn unknown_row_state(row: &HistoryRow) -> State {
    if row.state.is_dirty() {
        State::Dirty {
            direction: direction_of(row.state),
            statements_done: row.statements_done,
        }
    } else {
        State::Missing
    }
}

fn direction_of(state: RowState) -> Direction {
    match state {
        RowState::DirtyDown => Direction::Down,
        RowState::Applied | RowState::Dirty => Direction::Up,
    }
}

fn check_order(action: &Action) -> bool {
    matches!(action, Action::Run | Action::RunTo(_))
}

fn irreversible(m: &Migration) -> Error {
    Error::Irreversible {
        version: m.version.text.to_owned(),
        name: m.name.to_owned(),
        reason: m
            .irreversible
            .unwrap_or("it has no down section")
            .to_owned(),
    }
}

fn check_reversible(m: &Migration) -> Result<(), Error> {
    match m.down {
        Some(_) => Ok(()),
        None => Err(irreversible(m)),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn new_row(
    m: &Migration,
    state: RowState,
    now: &str,
    duration: Duration,
    statements_done: usize,
) -> HistoryRow {
    HistoryRow {
        version: m.version.text.to_owned(),
        name: m.name.to_owned(),
        checksum: m.checksum.to_owned(),
        applied_at: now.to_owned(),
        duration_ms: millis(duration),
        state,
        statements_done: count(statements_done),
        statement_checksums: String::new(),
    }
}

fn statement_error(
    m: &Migration,
    direction: Direction,
    section: &Section,
    index: usize,
    left_dirty: bool,
    cause: DbError,
) -> Error {
    let statement = &section.statements[index];
    Error::Statement(Box::new(StatementError {
        version: m.version.text.to_owned(),
        name: m.name.to_owned(),
        direction,
        file: section.file,
        line: statement.line,
        sql: statement.sql,
        index,
        total: section.statements.len(),
        transactional: false,
        left_dirty,
        retries: 0,
        cause,
    }))
}

fn read_error(table: &HistoryTable, cause: DbError) -> Error {
    Error::database(None, format!("reading the history table `{table}`"), cause)
}

fn write_error(table: &HistoryTable, version: Option<&str>, cause: DbError) -> Error {
    let what = version.map_or_else(String::new, |v| format!(" for migration {v}"));
    Error::database(
        version,
        format!("writing the history table `{table}`{what}"),
        cause,
    )
}

fn read_if_exists<B: Backend + ?Sized>(
    conn: &mut B,
    table: &HistoryTable,
) -> Result<Vec<HistoryRow>, Error> {
    let exists = conn
        .history_exists(table)
        .map_err(|e| read_error(table, e))?;
    if exists {
        conn.read_history(table).map_err(|e| read_error(table, e))
    } else {
        Ok(Vec::new())
    }
}

fn begin<B: Backend + ?Sized>(conn: &mut B, version: Option<&str>) -> Result<(), Error> {
    conn.begin_exclusive().map_err(|e| {
        let what = version.map_or_else(String::new, |v| format!(" for migration {v}"));
        Error::database(
            version,
            format!("starting the exclusive transaction{what}"),
            e,
        )
    })
}

/// Commits after success, rolls back after an error (keeping that error).
fn finish<B: Backend + ?Sized, T>(
    conn: &mut B,
    version: Option<&str>,
    result: Result<T, Error>,
) -> Result<T, Error> {
    match result {
        Ok(value) => match conn.commit() {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = conn.rollback();
                let what = version.map_or_else(String::new, |v| format!(" of migration {v}"));
                Err(Error::database(
                    version,
                    format!("committing the transaction{what}"),
                    e,
                ))
            }
        },
        Err(e) => {
            let _ = conn.rollback();
            Err(e)
        }
    }
}

/// Whether history rows, given one at a time, are exactly the binary's
/// migrations, each applied with its checksum: the start-up fast path's
/// comparison, made without copying a row.
///
/// Rows usually come in the order they were written, which is the order
/// of the versions, so each is first compared with the migration after
/// the last one matched; the first row out of that order (rows deleted
/// and written again, a table reorganized) builds a lookup by version.
struct ExactlyApplied<'m> {
    migrations: &'m [Migration],
    matched: Vec<bool>,
    next: usize,
    by_version: Option<HashMap<&'m str, usize>>,
    rows: usize,
    agrees: bool,
}

impl<'m> ExactlyApplied<'m> {
    fn new(migrations: &'m [Migration]) -> Self {
        ExactlyApplied {
            migrations,
            matched: vec![false; migrations.len()],
            next: 0,
            by_version: None,
            rows: 0,
            agrees: true,
        }
    }

    fn row(&mut self, row: ChecksumRow<'_>) {
        self.rows += 1;
        if !self.agrees || row.state != RowState::Applied {
            self.agrees = false;
            return;
        }
        let migrations = self.migrations;
        let index = match migrations.get(self.next) {
            Some(m) if m.version.text == row.version => Some(self.next),
            _ => self
                .by_version
                .get_or_insert_with(|| {
                    migrations
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (m.version.text, i))
                        .collect()
                })
                .get(row.version)
                .copied(),
        };
        match index {
            Some(i) if !self.matched[i] && migrations[i].checksum == row.checksum => {
                self.matched[i] = true;
                self.next = i + 1;
            }
            _ => self.agrees = false,
        }
    }

    /// Every row matched a migration of its own, and there were as many rows
    /// as migrations: so every migration was matched.
    fn matched(&self) -> bool {
        self.agrees && self.rows == self.migrations.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn migration(
        version: &'static str,
        parts: &'static [u64],
        checksum: &'static str,
    ) -> Migration {
        Migration {
            version: Version::new(version, parts),
            name: "m",
            up: Section {
                statements: &[],
                transactional: true,
                file: "m.sql",
            },
            down: None,
            irreversible: Some("test"),
            checksum,
        }
    }

    static MIGRATIONS: [Migration; 3] = [
        migration("1", &[1], "sha256:aa"),
        migration("2", &[2], "sha256:bb"),
        migration("10", &[10], "sha256:cc"),
    ];

    fn compare(rows: &[(&str, &str, RowState)]) -> bool {
        let mut history = ExactlyApplied::new(&MIGRATIONS);
        for &(version, checksum, state) in rows {
            history.row(ChecksumRow {
                version,
                checksum,
                state,
            });
        }
        history.matched()
    }

    const A: RowState = RowState::Applied;

    #[test]
    fn rows_in_any_order_match_when_they_are_exactly_the_migrations_applied() {
        assert!(compare(&[
            ("1", "sha256:aa", A),
            ("2", "sha256:bb", A),
            ("10", "sha256:cc", A)
        ]));
        assert!(compare(&[
            ("10", "sha256:cc", A),
            ("1", "sha256:aa", A),
            ("2", "sha256:bb", A)
        ]));
        assert!(compare(&[
            ("2", "sha256:bb", A),
            ("10", "sha256:cc", A),
            ("1", "sha256:aa", A)
        ]));
    }

    #[test]
    fn a_missing_extra_repeated_changed_or_unfinished_row_does_not_match() {
        // Pending.
        assert!(!compare(&[("1", "sha256:aa", A), ("2", "sha256:bb", A)]));
        assert!(!compare(&[]));
        // Applied by a newer binary.
        assert!(!compare(&[
            ("1", "sha256:aa", A),
            ("2", "sha256:bb", A),
            ("10", "sha256:cc", A),
            ("11", "sha256:dd", A),
        ]));
        // As many rows as migrations, one of them twice.
        assert!(!compare(&[
            ("1", "sha256:aa", A),
            ("1", "sha256:aa", A),
            ("10", "sha256:cc", A)
        ]));
        // Edited after it was applied.
        assert!(!compare(&[
            ("1", "sha256:aa", A),
            ("2", "sha256:b0", A),
            ("10", "sha256:cc", A)
        ]));
        // A no-transaction section that did not finish, up or down.
        for state in [RowState::Dirty, RowState::DirtyDown] {
            assert!(!compare(&[
                ("1", "sha256:aa", A),
                ("2", "sha256:bb", state),
                ("10", "sha256:cc", A)
            ]));
        }
        // The same number written differently is another version.
        assert!(!compare(&[
            ("01", "sha256:aa", A),
            ("2", "sha256:bb", A),
            ("10", "sha256:cc", A)
        ]));
    }
}
