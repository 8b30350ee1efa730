//! The SQLite backend, for [`rusqlite::Connection`] (feature `sqlite`).
//!
//! Each migration runs inside `BEGIN IMMEDIATE`, which takes SQLite's write
//! lock: a second process waits (up to the connection's busy timeout, 5 s by
//! default in rusqlite; raise it with [`rusqlite::Connection::busy_timeout`]
//! for long migrations) and then sees the history row of the first.

use rusqlite::{Connection, params};

use crate::backend::{Backend, DbError};
use crate::history::{HistoryRow, HistoryTable, RowState};
use crate::migration::Dialect;

fn db(e: rusqlite::Error) -> DbError {
    DbError::new(e.to_string())
}

const COLUMNS: &str = "version, name, checksum, applied_at, duration_ms, state, statements_done";

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
                statements_done INTEGER NOT NULL
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
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (version, name, checksum, applied_at, duration_ms, state, done) =
                row.map_err(db)?;
            let Some(state) = RowState::parse(&state) else {
                return Err(DbError::new(format!(
                    "history row {version} has an unknown state `{state}` \
                     (expected applied, dirty or dirty_down)"
                )));
            };
            out.push(HistoryRow {
                version,
                name,
                checksum,
                applied_at,
                duration_ms: u64::try_from(duration_ms).unwrap_or(0),
                state,
                statements_done: u32::try_from(done).unwrap_or(0),
            });
        }
        Ok(out)
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
            "INSERT INTO {} ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
            ],
        )
        .map(drop)
        .map_err(db)
    }

    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "UPDATE {} SET name = ?2, checksum = ?3, applied_at = ?4, duration_ms = ?5, \
             state = ?6, statements_done = ?7 WHERE version = ?1",
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
