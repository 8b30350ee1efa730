//! The SQLite backend, for [`rusqlite::Connection`] (feature `sqlite`).
//!
//! For a database file, runners exclude each other for a whole operation
//! with an exclusive `flock` on a lock file beside it (`<file>-migrate-lock`,
//! holding the pid of the last holder; the kernel releases it when the
//! process dies, so it never goes stale). Each migration also runs inside
//! `BEGIN IMMEDIATE`, which takes SQLite's write lock against other writers
//! (waiting up to the connection's busy timeout, 5 s by default in rusqlite).
//! An in-memory database (or a platform without `flock`) relies on
//! `BEGIN IMMEDIATE` alone and reads the history again in each transaction.

use std::time::Duration;

use rusqlite::{Connection, params};

use crate::backend::{Backend, DbError, LockScope};
use crate::history::{ChecksumRow, HistoryRow, HistoryTable, RowState};
use crate::migration::Dialect;

fn db(e: rusqlite::Error) -> DbError {
    let code = match &e {
        rusqlite::Error::SqliteFailure(f, _) => Some(format!("SQLite {}", f.extended_code)),
        _ => None,
    };
    let e = DbError::new(e.to_string());
    match code {
        Some(code) => e.with_code(code),
        None => e,
    }
}

const COLUMNS: &str =
    "version, name, checksum, applied_at, duration_ms, state, statements_done, statement_checksums";

/// ```
/// use migrate_runtime::{Backend, HistoryTable};
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// let table = HistoryTable::parse("migrate_history")?;
/// assert!(!conn.history_exists(&table)?);
/// conn.create_history(&table)?;
/// assert!(conn.history_exists(&table)?);
/// assert!(conn.read_history(&table)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Backend for Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn lock(&mut self, table: &HistoryTable, wait: Duration) -> Result<LockScope, DbError> {
        let _ = table;
        match self.path() {
            Some(path) if !path.is_empty() => file_lock::lock(self, path, wait),
            _ => Ok(LockScope::Transaction),
        }
    }

    fn unlock(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        let _ = table;
        file_lock::unlock(self);
        Ok(())
    }

    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError> {
        let master = match table.schema() {
            Some(schema) => format!("\"{schema}\".sqlite_master"),
            None => "sqlite_master".to_owned(),
        };
        let sql = format!("SELECT count(*) FROM {master} WHERE type = 'table' AND name = ?1");
        let n: i64 = self
            .query_row(&sql, [table.name()], |row| row.get(0))
            .map_err(db)?;
        Ok(n > 0)
    }

    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        self.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {} (
                version TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TEXT NOT NULL,
                duration_ms INTEGER NOT NULL,
                state TEXT NOT NULL,
                statements_done INTEGER NOT NULL,
                statement_checksums TEXT NOT NULL DEFAULT ''
            )",
            table.quoted('"')
        ))
        .map_err(db)
    }

    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM {}", table.quoted('"'));
        let mut stmt = self.prepare(&sql).map_err(db)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, i64>(6)?,
                    row.get::<_, String>(7)?,
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (version, name, checksum, applied_at, duration_ms, state, done, sums) =
                row.map_err(db)?;
            let state = RowState::read(&version, &state)?;
            out.push(HistoryRow {
                version,
                name,
                checksum,
                applied_at,
                duration_ms: u64::try_from(duration_ms).unwrap_or(0),
                state,
                statements_done: u32::try_from(done).unwrap_or(0),
                statement_checksums: sums,
            });
        }
        Ok(out)
    }

    fn scan_checksums(
        &mut self,
        table: &HistoryTable,
        row: &mut dyn FnMut(ChecksumRow<'_>),
    ) -> Result<(), DbError> {
        let sql = format!("SELECT version, checksum, state FROM {}", table.quoted('"'));
        let mut stmt = self.prepare(&sql).map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(fetched) = rows.next().map_err(db)? {
            // Borrowed from SQLite's own buffers; a value that is not text
            // reads as "" and fails the comparison.
            let text = |i: usize| {
                fetched
                    .get_ref(i)
                    .ok()
                    .and_then(|v| v.as_str().ok())
                    .unwrap_or("")
            };
            row(ChecksumRow::read(text(0), text(1), text(2))?);
        }
        Ok(())
    }

    fn begin_exclusive(&mut self) -> Result<(), DbError> {
        self.execute_batch("BEGIN IMMEDIATE").map_err(db)
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.execute_batch("COMMIT").map_err(db)
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        // SQLite rolls back by itself after some errors (e.g. SQLITE_FULL).
        if self.is_autocommit() {
            return Ok(());
        }
        self.execute_batch("ROLLBACK").map_err(db)
    }

    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError> {
        self.execute_batch(sql).map_err(db)
    }

    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "INSERT INTO {} ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            table.quoted('"')
        );
        self.execute(
            &sql,
            params![
                row.version,
                row.name,
                row.checksum,
                row.applied_at,
                i64::try_from(row.duration_ms).unwrap_or(i64::MAX),
                row.state.as_str(),
                row.statements_done,
                row.statement_checksums,
            ],
        )
        .map(drop)
        .map_err(db)
    }

    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "UPDATE {} SET name = ?2, checksum = ?3, applied_at = ?4, duration_ms = ?5, \
             state = ?6, statements_done = ?7, statement_checksums = ?8 WHERE version = ?1",
            table.quoted('"')
        );
        let changed = self
            .execute(
                &sql,
                params![
                    row.version,
                    row.name,
                    row.checksum,
                    row.applied_at,
                    i64::try_from(row.duration_ms).unwrap_or(i64::MAX),
                    row.state.as_str(),
                    row.statements_done,
                    row.statement_checksums,
                ],
            )
            .map_err(db)?;
        if changed == 1 {
            Ok(())
        } else {
            Err(DbError::new(format!(
                "history row {} was not found to update",
                row.version
            )))
        }
    }

    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError> {
        let sql = format!("DELETE FROM {} WHERE version = ?1", table.quoted('"'));
        self.execute(&sql, [version]).map(drop).map_err(db)
    }
}

/// The lock file: an exclusive `flock` held for the whole operation.
#[cfg(unix)]
mod file_lock {
    use std::fs::{File, OpenOptions};
    use std::io::{Read, Seek, Write};
    use std::os::unix::io::AsRawFd;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use rusqlite::Connection;

    use crate::backend::{DbError, LockScope};
    use crate::util::Backoff;

    /// The lock files held, by the address of the connection holding them.
    static HELD: Mutex<Vec<(usize, File)>> = Mutex::new(Vec::new());

    fn key(conn: &Connection) -> usize {
        std::ptr::from_ref(conn) as usize
    }

    pub(super) fn lock(
        conn: &Connection,
        db_path: &str,
        wait: Duration,
    ) -> Result<LockScope, DbError> {
        let path = format!("{db_path}-migrate-lock");
        let io = |what: &str, e: std::io::Error| {
            DbError::new(format!("{what} the migration lock file `{path}`: {e}"))
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io("cannot open", e))?;
        let started = Instant::now();
        let mut backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(250));
        loop {
            // SAFETY: flock on a file descriptor this function owns.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc == 0 {
                break;
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::WouldBlock {
                return Err(io("cannot lock", err));
            }
            let remaining = wait.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                let mut holder = String::new();
                let _ = file
                    .rewind()
                    .and_then(|()| file.read_to_string(&mut holder));
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "another process".to_owned()
                } else {
                    format!("process {holder}")
                };
                return Err(DbError::new(format!(
                    "the lock file `{path}` is locked by {who}; it is released when that \
                     process ends"
                ))
                .lock_timeout());
            }
            std::thread::sleep(backoff.delay(remaining));
        }
        // Leave a note of who holds it, for the message of a runner that times out.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "pid {}", std::process::id()));
        HELD.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((key(conn), file));
        Ok(LockScope::Session)
    }

    /// Closing the file releases the lock.
    pub(super) fn unlock(conn: &Connection) {
        let k = key(conn);
        HELD.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|(held, _)| *held != k);
    }
}

#[cfg(not(unix))]
mod file_lock {
    use std::time::Duration;

    use rusqlite::Connection;

    use crate::backend::{DbError, LockScope};

    pub(super) fn lock(_: &Connection, _: &str, _: Duration) -> Result<LockScope, DbError> {
        Ok(LockScope::Transaction)
    }

    pub(super) fn unlock(_: &Connection) {}
}
