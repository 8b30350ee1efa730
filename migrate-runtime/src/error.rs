//! Typed errors of the runtime.
//!
//! Messages name the migration, and for a database failure the statement, its
//! `file:line` and the database's message. They never contain connection
//! parameters: the runtime never sees them, and backends only report the
//! database's own message.

use std::fmt;
use std::time::Duration;

use crate::backend::DbError;
use crate::migrator::{Direction, Resolution};

/// Everything that can go wrong applying, verifying or rolling back migrations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configured history table name is not a plain identifier.
    #[error(
        "invalid history table name `{table}`: expected an identifier `[A-Za-z_][A-Za-z0-9_]*` \
         of at most 63 characters, optionally qualified as `schema.table`"
    )]
    InvalidHistoryTable {
        /// The name as configured.
        table: String,
    },

    /// The migrations were checked for another dialect than the connection's.
    #[error(
        "the migrations were checked for {expected} but the connection is to {actual}: \
         set `dialect` in migrate.toml to match the database"
    )]
    DialectMismatch {
        /// The dialect of the embedded table.
        expected: &'static str,
        /// The dialect of the backend.
        actual: &'static str,
    },

    /// A target that is not a version.
    #[error(
        "invalid target version `{target}`: expected numbers separated by `.`, `-` or `_` \
         (like `3`, `1.2` or `20240101120000`)"
    )]
    InvalidTarget {
        /// The target as given.
        target: String,
    },

    /// A target that names no migration of the binary.
    #[error("unknown target version `{target}`: no migration in this binary has that version")]
    UnknownTarget {
        /// The target as given.
        target: String,
    },

    /// An applied migration was edited afterwards.
    #[error(
        "migration {version} ({name}) was changed after it was applied: the history records \
         checksum {recorded}, this binary has {current}; nothing was run. Applied migrations must \
         not be edited: restore the file as it was applied and put the change in a new migration"
    )]
    ChecksumMismatch {
        /// The migration's version.
        version: String,
        /// The migration's name.
        name: String,
        /// The checksum in the history table.
        recorded: String,
        /// The checksum of the migration in the binary.
        current: String,
    },

    /// The history has a migration the binary does not know.
    #[error(
        "migration {version} ({name}) is recorded in the history table `{table}` but is not in \
         this binary; nothing was run. The binary may be stale: built before the migration file \
         was added, because Cargo does not rebuild when a file is added to the migrations \
         directory. Fix: add a `build.rs` beside Cargo.toml containing \
         `println!(\"cargo:rerun-if-changed=migrations\");` and rebuild. If the file was deleted, \
         restore it"
    )]
    MissingMigration {
        /// The version recorded in the history.
        version: String,
        /// The name recorded in the history.
        name: String,
        /// The history table.
        table: String,
    },

    /// A pending migration is older than the newest applied one.
    #[error(
        "migration {version} ({name}) is pending but older than {newest_applied}, the newest \
         applied migration (it was probably merged from another branch); nothing was run. Give it \
         a version after {newest_applied}, or apply it anyway with \
         `Migrator::allow_out_of_order(true)`"
    )]
    OutOfOrder {
        /// The pending migration's version.
        version: String,
        /// Its name.
        name: String,
        /// The newest version in the history.
        newest_applied: String,
    },

    /// A section that runs outside a transaction stopped in the middle.
    #[error("{0}")]
    Dirty(Box<DirtyMigration>),

    /// A rollback would have to revert a migration without a down section.
    #[error(
        "migration {version} ({name}) is irreversible: {reason}; nothing was rolled back. \
         Roll back to {version} or a later version instead"
    )]
    Irreversible {
        /// The migration's version.
        version: String,
        /// Its name.
        name: String,
        /// The reason given by `-- migrate:irreversible:`.
        reason: String,
    },

    /// A statement of a migration failed.
    #[error("{0}")]
    Statement(Box<StatementError>),

    /// `baseline` on a database that already has history.
    #[error(
        "baseline refused: the history table `{table}` already has {rows} row(s); baseline only \
         records migrations for a database that has no history yet"
    )]
    BaselineNotEmpty {
        /// The history table.
        table: String,
        /// How many rows it has.
        rows: usize,
    },

    /// `resolve` on a migration that is not dirty.
    #[error("migration {version} is not dirty ({state}); only a dirty migration can be resolved")]
    NotDirty {
        /// The migration's version.
        version: String,
        /// Its state (`applied` or `not applied`).
        state: &'static str,
    },

    /// Another runner held the migration lock for longer than
    /// [`Migrator::lock_wait`](crate::Migrator::lock_wait).
    #[error(
        "timed out after {waited:?} waiting for the migration lock on `{table}`: {holder}; \
         nothing was run. Another runner is applying migrations: let it finish, or wait longer \
         with `Migrator::lock_wait`"
    )]
    LockTimeout {
        /// The history table the lock guards.
        table: String,
        /// How long this runner waited.
        waited: Duration,
        /// Who holds the lock, as the database tells (PostgreSQL: pid,
        /// application name, client and current query).
        holder: String,
    },

    /// [`Resolution::Resume`](crate::Resolution::Resume) refused: a statement
    /// that already ran was edited since.
    #[error(
        "cannot resume migration {version} ({name}): statement {} at {file}:{line} ran before \
         the interruption but was edited since (its checksum differs): `{sql}`; nothing was run. \
         Restore the statements that ran as they were, or check the database by hand and settle \
         it with `{}` or `{}`",
        index + 1,
        api_resolve(version, Resolution::Applied),
        api_resolve(version, Resolution::RolledBack)
    )]
    ResumeChanged {
        /// The migration's version.
        version: String,
        /// Its name.
        name: String,
        /// The 0-based position of the edited statement.
        index: usize,
        /// The file of the section.
        file: &'static str,
        /// The line of the statement.
        line: u32,
        /// The statement as it is now.
        sql: &'static str,
    },

    /// A database URL that cannot be used. The URL in the message has its
    /// password replaced by `***`.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, password redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// Connecting failed. The URL in the message has its password replaced by `***`.
    #[error("cannot connect to `{url}`: {cause}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// The driver's or the server's message.
        cause: DbError,
    },

    /// `redo` with nothing applied.
    #[error("nothing to redo: no migration is applied")]
    NothingApplied,

    /// A statement of a seed failed (the seed was rolled back).
    #[error("{0}")]
    Seed(Box<crate::migrator::SeedError>),

    /// An environment name for [`Migrator::seed`](crate::Migrator::seed)
    /// that `-- migrate:env(…)` could not name.
    #[error(
        "invalid environment `{environment}`: expected lower-case letters, digits, `_` and `-`, \
         starting with a letter (like `dev`, `test` or `prod`), as in `-- migrate:env(…)`"
    )]
    InvalidEnvironment {
        /// The environment as given.
        environment: String,
    },

    /// The database failed outside a migration's statements (history table,
    /// transaction control, lock).
    #[error("{context}: {cause}")]
    Database {
        /// The migration concerned, if any.
        version: Option<String>,
        /// What the runtime was doing.
        context: String,
        /// The database's message.
        cause: DbError,
    },
}

impl Error {
    /// The version of the migration the error is about, if any.
    ///
    /// ```
    /// use migrate_runtime::Error;
    /// let e = Error::UnknownTarget { target: "7".into() };
    /// assert_eq!(e.version(), None);
    /// let e = Error::OutOfOrder { version: "2".into(), name: "b".into(), newest_applied: "3".into() };
    /// assert_eq!(e.version(), Some("2"));
    /// ```
    pub fn version(&self) -> Option<&str> {
        match self {
            Error::ChecksumMismatch { version, .. }
            | Error::MissingMigration { version, .. }
            | Error::OutOfOrder { version, .. }
            | Error::Irreversible { version, .. }
            | Error::NotDirty { version, .. }
            | Error::ResumeChanged { version, .. } => Some(version),
            Error::Dirty(d) => Some(&d.version),
            Error::Statement(s) => Some(&s.version),
            Error::Database { version, .. } => version.as_deref(),
            Error::InvalidHistoryTable { .. }
            | Error::DialectMismatch { .. }
            | Error::InvalidTarget { .. }
            | Error::UnknownTarget { .. }
            | Error::BaselineNotEmpty { .. }
            | Error::LockTimeout { .. }
            | Error::InvalidUrl { .. }
            | Error::Connect { .. }
            | Error::Seed(_)
            | Error::InvalidEnvironment { .. }
            | Error::NothingApplied => None,
        }
    }

    pub(crate) fn database(
        version: Option<&str>,
        context: impl Into<String>,
        cause: DbError,
    ) -> Self {
        Error::Database {
            version: version.map(str::to_owned),
            context: context.into(),
            cause,
        }
    }
}

/// How an error's advice names the ways to settle a dirty migration: given
/// the migration's version and a [`Resolution`], the text to show between
/// backticks. [`Error`]'s `Display` names the Rust calls
/// (`migrator.resolve(&mut conn, "3", Resolution::Resume)`); a tool with its
/// own way to resolve (a command line) passes it to [`Error::display_with`].
pub type ResolveAdvice<'a> = &'a dyn Fn(&str, Resolution) -> String;

/// The Rust call that settles a dirty migration, as `Display` names it.
fn api_resolve(version: &str, resolution: Resolution) -> String {
    format!("migrator.resolve(&mut conn, \"{version}\", Resolution::{resolution:?})")
}

impl Error {
    /// The message with the ways to settle a dirty migration named by
    /// `resolve` instead of the Rust calls of `Display` (the same text
    /// otherwise).
    ///
    /// ```
    /// use migrate_runtime::{Error, Resolution};
    /// let e = Error::ResumeChanged {
    ///     version: "3".into(), name: "index".into(), index: 0,
    ///     file: "3_index.sql", line: 2, sql: "CREATE INDEX i ON t (c)",
    /// };
    /// let shell = |v: &str, r: Resolution| format!("tool resolve {v} {r:?}");
    /// let text = e.display_with(&shell).to_string();
    /// assert!(text.contains("`tool resolve 3 Applied`"), "{text}");
    /// assert!(!text.contains("migrator.resolve"), "{text}");
    /// assert!(e.to_string().contains("migrator.resolve(&mut conn, \"3\", Resolution::Applied)"));
    /// ```
    pub fn display_with<'a>(&'a self, resolve: ResolveAdvice<'a>) -> impl fmt::Display + 'a {
        WithAdvice {
            error: self,
            resolve,
        }
    }
}

struct WithAdvice<'a> {
    error: &'a Error,
    resolve: ResolveAdvice<'a>,
}

impl fmt::Display for WithAdvice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error {
            Error::Dirty(d) => d.write(f, self.resolve),
            Error::Statement(s) => s.write(f, self.resolve),
            Error::ResumeChanged {
                version,
                name,
                index,
                file,
                line,
                sql,
            } => write!(
                f,
                "cannot resume migration {version} ({name}): statement {} at {file}:{line} ran \
                 before the interruption but was edited since (its checksum differs): `{sql}`; \
                 nothing was run. Restore the statements that ran as they were, or check the \
                 database by hand and settle it with `{}` or `{}`",
                index + 1,
                (self.resolve)(version, Resolution::Applied),
                (self.resolve)(version, Resolution::RolledBack)
            ),
            other => fmt::Display::fmt(other, f),
        }
    }
}

// Errors cross threads and end up in `anyhow`/`Box<dyn Error + Send + Sync>`.
const _: () = {
    const fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Error>();
};

/// A statement of a migration that the database rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementError {
    /// The migration's version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// Which section failed.
    pub direction: Direction,
    /// The file of the section.
    pub file: &'static str,
    /// The 1-based line of the statement in `file`.
    pub line: u32,
    /// The statement's text.
    pub sql: &'static str,
    /// Its 0-based position in the section.
    pub index: usize,
    /// How many statements the section has.
    pub total: usize,
    /// Whether the section ran in one transaction.
    pub transactional: bool,
    /// Whether the migration is left recorded as dirty after `index`
    /// statements; otherwise nothing of it remains and the history is
    /// unchanged.
    pub left_dirty: bool,
    /// How many times the statement was retried after a lock timeout before
    /// this failure.
    pub retries: u32,
    /// The database's message and code.
    pub cause: DbError,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &api_resolve)
    }
}

impl StatementError {
    fn write(&self, f: &mut fmt::Formatter<'_>, resolve: ResolveAdvice<'_>) -> fmt::Result {
        write!(
            f,
            "migration {} ({}) failed: {} section, statement {} of {} at {}:{}: `{}`: {}; ",
            self.version,
            self.name,
            self.direction,
            self.index + 1,
            self.total,
            self.file,
            self.line,
            Quoted(self.sql),
            self.cause,
        )?;
        if self.retries > 0 {
            write!(
                f,
                "it was retried {} time(s) after lock timeouts; ",
                self.retries
            )?;
        }
        if self.transactional {
            f.write_str(
                "the section ran in a transaction that was rolled back: none of its statements \
                 took effect and the history is unchanged",
            )
        } else if !self.left_dirty {
            f.write_str("none of the section's statements took effect and the history is unchanged")
        } else {
            let v = &self.version;
            write!(
                f,
                "the section runs without a transaction: the {} statement(s) before this one took \
                 effect and the migration is recorded as dirty. Fix the cause, then continue from \
                 this statement with `{}`, or settle it by hand with `{}` or `{}`",
                self.index,
                resolve(v, Resolution::Resume),
                resolve(v, Resolution::Applied),
                resolve(v, Resolution::RolledBack)
            )
        }
    }
}

/// A migration recorded as dirty: a section run outside a transaction
/// stopped before its end (it failed, or the process died).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DirtyMigration {
    /// The migration's version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// Which section stopped.
    pub direction: Direction,
    /// How many of its statements completed.
    pub statements_done: u32,
    /// How many statements the section has (`None` when the binary does not
    /// contain the migration).
    pub total: Option<usize>,
    /// The file of the section.
    pub file: Option<&'static str>,
    /// The statement reached (the one that failed or was interrupted) and its line.
    pub statement: Option<(&'static str, u32)>,
    /// Whether the binary's migration differs from the one that started
    /// (the statement shown is the binary's).
    pub edited: bool,
}

impl fmt::Display for DirtyMigration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, &api_resolve)
    }
}

impl DirtyMigration {
    fn write(&self, f: &mut fmt::Formatter<'_>, resolve: ResolveAdvice<'_>) -> fmt::Result {
        write!(
            f,
            "migration {} ({}) is dirty: its {} section runs without a transaction and stopped",
            self.version, self.name, self.direction
        )?;
        match (self.total, self.statement, self.file) {
            (Some(total), Some((sql, line)), Some(file)) => write!(
                f,
                " after {} of {total} statements; the statement reached is statement {} at \
                 {file}:{line}: `{}`",
                self.statements_done,
                self.statements_done + 1,
                Quoted(sql)
            )?,
            (Some(total), _, _) => write!(
                f,
                " after all {total} statements ran, before it was recorded as done"
            )?,
            _ => write!(
                f,
                " after {} statements, and this binary does not contain it (it may be stale)",
                self.statements_done
            )?,
        }
        if self.edited {
            f.write_str(
                " (the migration was edited since that run: the statement is shown as this \
                 binary has it)",
            )?;
        }
        let v = &self.version;
        let before = match self.statements_done {
            0 => String::new(),
            1 => " and that the statement before it did".to_owned(),
            n => format!(" and that the {n} statements before it did"),
        };
        let (finish, undo) = match self.direction {
            Direction::Up => (
                "ran the rest of the section by hand",
                "undid the statements that took effect",
            ),
            Direction::Down => (
                "ran the rest of the down section by hand",
                "undid the down statements that took effect (the migration is fully in place again)",
            ),
        };
        write!(
            f,
            ". Nothing runs until it is resolved. Check in the database whether the statement \
             reached took effect (an interrupted `CREATE INDEX CONCURRENTLY` leaves an INVALID \
             index behind; DDL on MySQL commits on its own){before}. \
             Then: if it did not take effect, or you undid it, fix its cause and continue from it \
             with `{}` (refused if a statement that ran was edited since); if you {finish}: \
             `{}`; if you {undo}: `{}`",
            resolve(v, Resolution::Resume),
            resolve(v, Resolution::Applied),
            resolve(v, Resolution::RolledBack)
        )?;
        if self.direction == Direction::Up {
            f.write_str(" so that the next run applies it from the start")?;
        }
        Ok(())
    }
}

/// A statement's text for a one-line message: whitespace collapsed, long text cut.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::util::one_line(self.0))
    }
}
