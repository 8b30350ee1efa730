//! The PostgreSQL backend, over the synchronous `postgres` crate (feature `postgres`).
//!
//! - **Lock**: a session advisory lock on the backend's own connection,
//!   taken by polling `pg_try_advisory_lock` with backoff and jitter, outside
//!   any transaction. A waiter therefore never sits in a statement or a
//!   transaction: a blocking `pg_advisory_lock` (or a transaction-scoped
//!   lock) would deadlock against the holder's `CREATE INDEX CONCURRENTLY`,
//!   which waits for every open transaction. On timeout the error names the
//!   holder from `pg_stat_activity`: pid, application name, user, client,
//!   state and current query.
//! - **Statements** of a non-transactional section run one at a time with
//!   the simple query protocol, never as one string (which PostgreSQL would
//!   wrap in an implicit transaction). They and their progress rows commit
//!   with `synchronous_commit = off`; the write that records the section
//!   applied uses the session's own setting and so flushes them all (the WAL
//!   is one sequence, so a crash still leaves the history saying how far
//!   the section got). A transactional migration is one message: `BEGIN`,
//!   its statements, its history row, `COMMIT`.
//! - **`lock_timeout`** is set per migration; statements that run
//!   `CONCURRENTLY` run with it disabled (they block no reads or writes, and
//!   a concurrent build cancelled by it would leave an INVALID index).
//!   A statement that fails with `lock_not_available` (55P03) is reported as
//!   a lock timeout, so the migrator retries it.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant, UNIX_EPOCH};

use postgres::error::SqlState;
use postgres::{Client, NoTls, SimpleQueryMessage, Statement};

use crate::backend::{Backend, BatchFailure, DbError, HistoryWrite, LockScope};
use crate::error::Error;
use crate::history::{
    ChecksumRow, HistoryRow, HistoryTable, RowState, rfc3339, statement_checksum,
};
use crate::migration::{self, Dialect};
use crate::url::DatabaseUrl;
use crate::util::{Backoff, human, one_line};

/// A PostgreSQL connection used by the [`Migrator`](crate::Migrator).
///
/// Give it a connection of its own, not one borrowed from a pool (a pooler
/// in transaction mode would strand the session lock on another client).
/// Its `Debug` form shows no connection parameters.
///
/// ```no_run
/// use migrate_runtime::{Dialect, Migrations, Migrator, PgBackend};
/// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Postgres, "migrate_history");
///
/// // From a URL (application_name defaults to `migrate`) …
/// let mut pg = PgBackend::connect("postgres://app:secret@localhost/shop")?;
/// Migrator::new(&MIGRATIONS).run(&mut pg)?;
/// // … or around a client of your own.
/// let client = postgres::Client::connect("host=localhost user=app dbname=shop", postgres::NoTls)?;
/// let mut pg = PgBackend::new(client);
/// Migrator::new(&MIGRATIONS).run(&mut pg)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PgBackend {
    client: Client,
    /// The advisory lock key held, if any.
    held: Option<i64>,
    in_transaction: bool,
    /// The `lock_timeout` the migrator asked for.
    wanted_timeout: Option<Duration>,
    /// What the session has: `None` = its own default.
    session_timeout: Option<Duration>,
    /// The session's `synchronous_commit` when the lock was taken, restored
    /// before every write that must be durable; `None`: not known, or
    /// already `off` (nothing to defer then).
    commit_setting: Option<String>,
    /// The session runs with `synchronous_commit = off` (set here, for the
    /// statements of a section that runs outside a transaction).
    flush_deferred: bool,
    /// Prepared history statements, by text.
    prepared: HashMap<String, Statement>,
    /// The history table seen to exist when the lock was taken (saves a
    /// round trip at start-up; nobody drops it while the lock is held).
    history_seen: Option<HistoryTable>,
}

impl fmt::Debug for PgBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgBackend")
            .field("closed", &self.client.is_closed())
            .field("lock_held", &self.held.is_some())
            .field("in_transaction", &self.in_transaction)
            .finish()
    }
}

impl PgBackend {
    /// Wraps a connection. It must not be inside a transaction.
    pub fn new(client: Client) -> Self {
        PgBackend {
            client,
            held: None,
            in_transaction: false,
            wanted_timeout: None,
            session_timeout: None,
            commit_setting: None,
            flush_deferred: false,
            prepared: HashMap::new(),
            history_seen: None,
        }
    }

    /// `sql` prepared once per connection (one round trip per use after that).
    fn prepare(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql).map_err(|e| pg_error(&e))?;
        self.prepared.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Connects without TLS to a `postgres://` URL (any libpq URL the
    /// `postgres` crate accepts). Unless the URL says otherwise the session's
    /// `application_name` is `migrate` (so that a runner waiting for the lock
    /// can name it) and connecting times out after 10 s.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] or [`Error::Connect`]; neither contains the password.
    pub fn connect(url: &str) -> Result<Self, Error> {
        let url = DatabaseUrl::parse(url)?;
        if url.dialect() != Dialect::Postgres {
            return Err(url.invalid("expected a `postgres://` URL"));
        }
        Self::connect_url(&url)
    }

    pub(crate) fn connect_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let mut config: postgres::Config = url
            .expose()
            .parse()
            .map_err(|e: postgres::Error| url.invalid(e.to_string()))?;
        if config.get_application_name().is_none() {
            config.application_name("migrate");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let client = config
            .connect(NoTls)
            .map_err(|e| url.connect_error(pg_error(&e)))?;
        Ok(PgBackend::new(client))
    }

    /// The underlying client.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Unwraps the client.
    pub fn into_client(self) -> Client {
        self.client
    }

    /// Puts the session's `lock_timeout` at `timeout` (`None`: its default)
    /// and says whether its commits wait for the WAL flush, in one message,
    /// outside transactions only (a `SET` inside one is undone by a rollback).
    ///
    /// `defer_flush` is asked for the statements of a section that runs
    /// outside a transaction and for their progress rows: each of them then
    /// commits without waiting for its WAL flush (`synchronous_commit = off`;
    /// a concurrent index build commits three times). Crash consistency is
    /// unchanged, because the WAL is one sequence: a progress row reaches the
    /// disk only after the statements before it, and the statement after it
    /// only after it, so after a crash the history still says how far the
    /// section got, give or take the one statement in flight, as before. The
    /// write that records the section applied (or removed) is made with the
    /// session's own setting again, which flushes everything before it.
    fn ensure_session(
        &mut self,
        timeout: Option<Duration>,
        defer_flush: bool,
    ) -> Result<(), DbError> {
        if self.in_transaction {
            return Ok(());
        }
        let defer_flush = defer_flush && self.commit_setting.is_some();
        let mut sql = String::new();
        if self.session_timeout != timeout {
            sql = match timeout {
                Some(d) => format!(
                    "SET lock_timeout = {}",
                    d.as_millis().max(u128::from(!d.is_zero()))
                ),
                None => "RESET lock_timeout".to_owned(),
            };
        }
        if self.flush_deferred != defer_flush {
            if !sql.is_empty() {
                sql.push_str("; ");
            }
            // Back to the session's own setting (its default if unknown).
            let setting = match &self.commit_setting {
                _ if defer_flush => "off",
                Some(setting) => setting.as_str(),
                None => "DEFAULT",
            };
            sql.push_str("SET synchronous_commit = ");
            sql.push_str(setting);
        }
        if sql.is_empty() {
            return Ok(());
        }
        self.client.batch_execute(&sql).map_err(|e| pg_error(&e))?;
        self.session_timeout = timeout;
        self.flush_deferred = defer_flush;
        Ok(())
    }

    /// Before a write outside a transaction: a write that records a
    /// migration applied or removed waits for the WAL flush (and so makes
    /// every deferred commit before it durable); a progress row of a dirty
    /// migration may ride with the statements' deferred commits.
    fn before_write(&mut self, durable: bool) -> Result<(), DbError> {
        let defer = self.flush_deferred && !durable;
        self.ensure_session(self.session_timeout, defer)
    }

    /// The first value of the first row of `sql`, by the simple protocol
    /// (one round trip, no statement to prepare).
    fn value(&mut self, sql: &str) -> Result<String, DbError> {
        let messages = self.client.simple_query(sql).map_err(|e| pg_error(&e))?;
        messages
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap_or("").to_owned()),
                _ => None,
            })
            .ok_or_else(|| DbError::new(format!("`{sql}` returned no row")))
    }

    /// Who holds the advisory lock `key`, for the timeout message.
    fn holder(&mut self, key: i64) -> String {
        const HOLDER: &str = "SELECT a.pid, coalesce(a.application_name, ''), \
             coalesce(a.usename::text, ''), coalesce(host(a.client_addr), 'local socket'), \
             coalesce(a.state, ''), coalesce(a.query, ''), \
             coalesce(extract(epoch FROM now() - a.query_start)::float8, 0), \
             coalesce(extract(epoch FROM now() - a.backend_start)::float8, 0) \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND ((l.classid::bigint << 32) | l.objid::bigint) = $1";
        match self.client.query(HOLDER, &[&key]) {
            Ok(rows) if !rows.is_empty() => {
                let r = &rows[0];
                let pid: i32 = r.get(0);
                let app: String = r.get(1);
                let user: String = r.get(2);
                let client: String = r.get(3);
                let state: String = r.get(4);
                let query: String = r.get(5);
                let since = Duration::from_secs_f64(r.get::<_, f64>(6).max(0.0));
                let connected = Duration::from_secs_f64(r.get::<_, f64>(7).max(0.0));
                format!(
                    "the advisory lock (key {key}) is held by PostgreSQL backend pid {pid} \
                     (application `{app}`, user `{user}`, client {client}, connected {} ago, \
                     state `{state}`, its current or last query started {} ago: `{}`); if that \
                     session is stuck, `SELECT pg_terminate_backend({pid})` ends it and releases \
                     the lock",
                    human(connected),
                    human(since),
                    one_line(&query)
                )
            }
            Ok(_) => format!(
                "the advisory lock (key {key}) was held by another session, which released it \
                 as this runner gave up"
            ),
            Err(e) => format!(
                "the advisory lock (key {key}) is held by another session (reading \
                 pg_stat_activity failed: {})",
                pg_error(&e)
            ),
        }
    }

    fn write_row(&mut self, sql: &str, row: &HistoryRow) -> Result<u64, DbError> {
        let duration = i64::try_from(row.duration_ms).unwrap_or(i64::MAX);
        let done = i32::try_from(row.statements_done).unwrap_or(i32::MAX);
        let statement = self.prepare(sql)?;
        self.client
            .execute(
                &statement,
                &[
                    &row.version,
                    &row.name,
                    &row.checksum,
                    &row.applied_at,
                    &duration,
                    &row.state.as_str(),
                    &done,
                    &row.statement_checksums,
                ],
            )
            .map_err(|e| pg_error(&e))
    }
}

/// `text` as a PostgreSQL escape-string literal, valid whatever
/// `standard_conforming_strings` says.
fn literal(text: &str) -> String {
    format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// The advisory lock key of a history table: stable across processes and releases.
pub(crate) fn lock_key(table: &HistoryTable) -> i64 {
    statement_checksum(&format!("migrate:{table}")) as i64
}

/// The server's message, detail and hint, with its SQLSTATE.
pub(crate) fn pg_error(e: &postgres::Error) -> DbError {
    let Some(db) = e.as_db_error() else {
        // "error connecting to server" says more with its causes.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = cause.source();
        }
        return DbError::new(message);
    };
    let mut message = format!("{}: {}", db.severity(), db.message());
    if let Some(detail) = db.detail() {
        message.push_str("; DETAIL: ");
        message.push_str(detail);
    }
    if let Some(hint) = db.hint() {
        message.push_str("; HINT: ");
        message.push_str(hint);
    }
    let err = DbError::new(message).with_code(format!("SQLSTATE {}", db.code().code()));
    if *db.code() == SqlState::LOCK_NOT_AVAILABLE {
        err.lock_timeout()
    } else {
        err
    }
}

impl Backend for PgBackend {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn lock(&mut self, table: &HistoryTable, wait: Duration) -> Result<LockScope, DbError> {
        if self.in_transaction {
            return Err(DbError::new(
                "the migration lock must be taken outside a transaction",
            ));
        }
        let key = lock_key(table);
        if self.held == Some(key) {
            return Ok(LockScope::Session);
        }
        let started = Instant::now();
        let mut backoff = Backoff::new(Duration::from_millis(20), Duration::from_secs(1));
        // The key is a number and the table a plain identifier: safe to
        // inline, saving a prepare; whether the table exists and the
        // session's `synchronous_commit` come along.
        let poll = format!(
            "SELECT pg_try_advisory_lock({key}), to_regclass('{}') IS NOT NULL, \
             current_setting('synchronous_commit')",
            table.quoted('"')
        );
        loop {
            let messages = self.client.simple_query(&poll).map_err(|e| pg_error(&e))?;
            let (got, exists, commit_setting) = messages
                .iter()
                .find_map(|m| match m {
                    SimpleQueryMessage::Row(r) => Some((
                        r.get(0) == Some("t"),
                        r.get(1) == Some("t"),
                        r.get(2).map(str::to_owned),
                    )),
                    _ => None,
                })
                .unwrap_or((false, false, None));
            if got {
                self.held = Some(key);
                self.history_seen = exists.then_some(*table);
                // A keyword (`on`, `remote_apply`, …), inlined in `SET` later.
                self.commit_setting = commit_setting.filter(|s| {
                    s != "off"
                        && !s.is_empty()
                        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                });
                return Ok(LockScope::Session);
            }
            let remaining = wait.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                return Err(DbError::new(self.holder(key)).lock_timeout());
            }
            std::thread::sleep(backoff.delay(remaining));
        }
    }

    fn unlock(&mut self, _table: &HistoryTable) -> Result<(), DbError> {
        self.history_seen = None;
        let Some(key) = self.held.take() else {
            return Ok(());
        };
        if self.in_transaction {
            // Whatever failed left a transaction open: end it first.
            let _ = Backend::rollback(self);
        }
        // The session as it was (a caller's client goes on being used);
        // the lock is released whether or not that worked.
        let restored = self.ensure_session(self.session_timeout, false);
        self.commit_setting = None;
        if self.value(&format!("SELECT pg_advisory_unlock({key})"))? != "t" {
            return Err(DbError::new(format!(
                "the advisory lock (key {key}) was no longer held by this session"
            )));
        }
        restored
    }

    fn set_lock_timeout(&mut self, timeout: Option<Duration>) -> Result<(), DbError> {
        self.wanted_timeout = timeout;
        self.ensure_session(timeout, self.flush_deferred)
    }

    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError> {
        // A plain identifier (validated): safe to inline in a literal.
        let sql = format!("SELECT to_regclass('{}') IS NOT NULL", table.quoted('"'));
        Ok(self.value(&sql)? == "t")
    }

    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        // Checked first: `CREATE … IF NOT EXISTS` needs the CREATE privilege
        // even when the table exists.
        if self.history_seen == Some(*table) || self.history_exists(table)? {
            return Ok(());
        }
        if let Some(schema) = table.schema() {
            self.client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .map_err(|e| pg_error(&e))?;
        }
        self.client
            .batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {} (
                    version text PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL,
                    duration_ms bigint NOT NULL,
                    state text NOT NULL,
                    statements_done integer NOT NULL,
                    statement_checksums text NOT NULL DEFAULT ''
                )",
                table.quoted('"')
            ))
            .map_err(|e| pg_error(&e))
    }

    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError> {
        let sql = format!(
            "SELECT version, name, checksum, \
             extract(epoch FROM applied_at)::bigint, \
             duration_ms, state, statements_done, statement_checksums FROM {}",
            table.quoted('"')
        );
        // The simple protocol: one round trip, text values.
        let messages = self.client.simple_query(&sql).map_err(|e| pg_error(&e))?;
        let mut out = Vec::with_capacity(messages.len());
        for message in messages {
            let SimpleQueryMessage::Row(r) = message else {
                continue;
            };
            let text = |i: usize| r.get(i).unwrap_or("").to_owned();
            let number = |i: usize| r.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            let version = text(0);
            let state = text(5);
            let state = RowState::read(&version, &state)?;
            out.push(HistoryRow {
                version,
                name: text(1),
                checksum: text(2),
                applied_at: rfc3339(UNIX_EPOCH + Duration::from_secs(number(3))),
                duration_ms: number(4),
                state,
                statements_done: u32::try_from(number(6)).unwrap_or(u32::MAX),
                statement_checksums: text(7),
            });
        }
        Ok(out)
    }

    fn scan_checksums(
        &mut self,
        table: &HistoryTable,
        row: &mut dyn FnMut(ChecksumRow<'_>),
    ) -> Result<(), DbError> {
        // Bare columns: no function or cast for a new backend to look up.
        let sql = format!("SELECT version, checksum, state FROM {}", table.quoted('"'));
        let messages = self.client.simple_query(&sql).map_err(|e| pg_error(&e))?;
        for message in &messages {
            let SimpleQueryMessage::Row(r) = message else {
                continue;
            };
            let text = |i: usize| r.get(i).unwrap_or("");
            row(ChecksumRow::read(text(0), text(1), text(2))?);
        }
        Ok(())
    }

    fn begin_exclusive(&mut self) -> Result<(), DbError> {
        // A transaction records history with it: its commit waits for the flush.
        self.before_write(true)?;
        self.client
            .batch_execute("BEGIN")
            .map_err(|e| pg_error(&e))?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        let result = self
            .client
            .batch_execute("COMMIT")
            .map_err(|e| pg_error(&e));
        self.in_transaction = false;
        result
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        let result = self
            .client
            .batch_execute("ROLLBACK")
            .map_err(|e| pg_error(&e));
        self.in_transaction = false;
        result
    }

    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError> {
        self.ensure_session(self.wanted_timeout, self.flush_deferred)?;
        self.client.batch_execute(sql).map_err(|e| pg_error(&e))
    }

    fn execute_statement(&mut self, statement: &migration::Statement) -> Result<(), DbError> {
        // A concurrent build waits for every older transaction by design;
        // a lock timeout would cancel it and leave an INVALID index.
        let want = if !self.in_transaction && statement.concurrent {
            Some(Duration::ZERO)
        } else {
            self.wanted_timeout
        };
        // Outside a transaction (a section run statement by statement), its
        // commits need not wait for the flush: see `ensure_session`.
        self.ensure_session(want, true)?;
        self.client.batch_execute(statement.sql).map_err(|e| {
            if !self.in_transaction {
                // A section run statement by statement may have opened a
                // transaction of its own (`BEGIN` … `COMMIT`), which the
                // error aborted: end it, so that the history can still be
                // written and the lock released. Outside one this draws
                // only a warning.
                let _ = self.client.batch_execute("ROLLBACK");
            }
            pg_error(&e)
        })
    }

    /// One simple-query message for the whole section: inside the open
    /// transaction block PostgreSQL runs the statements one after another
    /// exactly as if they came one by one (no implicit transaction of its
    /// own, `statement_timeout` per statement since PostgreSQL 13), and the
    /// migration costs one round trip instead of one per statement. The
    /// driver does not say how many statements completed before an error,
    /// so a failure is reported without its statement; the migrator then
    /// runs the section again one statement at a time.
    fn execute_all(&mut self, statements: &[migration::Statement]) -> Result<(), BatchFailure> {
        if statements.len() < 2 {
            return match statements.first() {
                Some(s) => self.execute_statement(s).map_err(|cause| BatchFailure {
                    statement: Some(0),
                    cause,
                }),
                None => Ok(()),
            };
        }
        let mut sql = String::with_capacity(statements.iter().map(|s| s.sql.len() + 3).sum());
        for statement in statements {
            sql.push_str(statement.sql);
            // On a line of its own: a statement may end in a line comment.
            sql.push_str("\n;\n");
        }
        self.execute_sql(&sql).map_err(|cause| BatchFailure {
            statement: None,
            cause,
        })
    }

    /// The whole migration as one simple-query message: `BEGIN`, its
    /// statements, the history change (values inlined as escaped literals,
    /// the duration measured by the server from the message's arrival) and
    /// `COMMIT`: one round trip per migration instead of four. An error
    /// skips the rest of the message, `COMMIT` included, and leaves the
    /// transaction aborted; it is rolled back here, and the migrator runs
    /// the migration again step by step to name the statement.
    fn run_transaction(
        &mut self,
        table: &HistoryTable,
        statements: &[migration::Statement],
        write: HistoryWrite<'_>,
    ) -> Result<(), BatchFailure> {
        let unattributed = |cause| BatchFailure {
            statement: None,
            cause,
        };
        self.ensure_session(self.wanted_timeout, false)
            .map_err(unattributed)?;
        let table = table.quoted('"');
        let history = match write {
            HistoryWrite::Insert(row) => format!(
                "INSERT INTO {table} (version, name, checksum, applied_at, duration_ms, state, \
                 statements_done, statement_checksums) VALUES ({}, {}, {}, CAST({} AS timestamptz), \
                 CAST(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000 AS bigint), \
                 {}, {}, {})",
                literal(&row.version),
                literal(&row.name),
                literal(&row.checksum),
                literal(&row.applied_at),
                literal(row.state.as_str()),
                row.statements_done,
                literal(&row.statement_checksums),
            ),
            HistoryWrite::Delete(version) => {
                format!("DELETE FROM {table} WHERE version = {}", literal(version))
            }
        };
        let mut sql = String::with_capacity(
            statements.iter().map(|s| s.sql.len() + 3).sum::<usize>() + history.len() + 20,
        );
        sql.push_str("BEGIN;\n");
        for statement in statements {
            sql.push_str(statement.sql);
            // On a line of its own: a statement may end in a line comment.
            sql.push_str("\n;\n");
        }
        sql.push_str(&history);
        sql.push_str(";\nCOMMIT");
        self.client.batch_execute(&sql).map_err(|e| {
            // Aborted by the error (or already ended, if COMMIT failed:
            // then this ROLLBACK only draws a warning).
            let _ = self.client.batch_execute("ROLLBACK");
            unattributed(pg_error(&e))
        })
    }

    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "INSERT INTO {} (version, name, checksum, applied_at, duration_ms, state, \
             statements_done, statement_checksums) \
             VALUES ($1, $2, $3, CAST($4::text AS timestamptz), $5, $6, $7, $8)",
            table.quoted('"')
        );
        self.before_write(row.state == RowState::Applied)?;
        self.write_row(&sql, row).map(drop)
    }

    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "UPDATE {} SET name = $2, checksum = $3, applied_at = CAST($4::text AS timestamptz), \
             duration_ms = $5, state = $6, statements_done = $7, statement_checksums = $8 \
             WHERE version = $1",
            table.quoted('"')
        );
        self.before_write(row.state == RowState::Applied)?;
        match self.write_row(&sql, row)? {
            1 => Ok(()),
            _ => Err(DbError::new(format!(
                "history row {} was not found to update",
                row.version
            ))),
        }
    }

    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError> {
        let sql = format!("DELETE FROM {} WHERE version = $1", table.quoted('"'));
        self.before_write(true)?;
        let delete = self.prepare(&sql)?;
        self.client
            .execute(&delete, &[&version])
            .map(drop)
            .map_err(|e| pg_error(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("0001"), "E'0001'");
        assert_eq!(literal(r"it's a \ path"), r"E'it''s a \\ path'");
    }

    #[test]
    fn lock_keys_differ_per_table() {
        let a = lock_key(&HistoryTable::parse("migrate_history").unwrap());
        let b = lock_key(&HistoryTable::parse("app.migrate_history").unwrap());
        assert_ne!(a, b);
        assert_eq!(
            a,
            lock_key(&HistoryTable::parse("migrate_history").unwrap())
        );
    }
}
