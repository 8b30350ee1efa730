//! The MySQL and MariaDB backend, over the `mysql` crate (feature `mysql`).
//!
//! - **Lock**: `GET_LOCK(name, timeout)`, a session lock named after the
//!   database and the history table; on timeout the error names the holder
//!   from `information_schema.PROCESSLIST`.
//! - **DDL commits implicitly**, so every section runs statement by
//!   statement with a `dirty` row and its progress; each statement runs in a
//!   transaction with its progress update, so a DML statement and its
//!   progress commit together (a DDL statement commits on its own).
//! - **`lock_wait_timeout`** is set per migration (whole seconds); a
//!   statement that fails with error 1205 (lock wait timeout) is reported as
//!   a lock timeout, so the migrator retries it.

use std::fmt;
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder};

use crate::backend::{Backend, DbError, LockScope};
use crate::error::Error;
use crate::history::{ChecksumRow, HistoryRow, HistoryTable, RowState, statement_checksum};
use crate::migration::Dialect;
use crate::url::{DatabaseUrl, percent_decode};
use crate::util::one_line;

/// MySQL's error for a lock wait that timed out.
const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;

/// A MySQL or MariaDB connection used by the [`Migrator`](crate::Migrator).
/// Its `Debug` form shows no connection parameters.
///
/// ```no_run
/// use migrate_runtime::{Dialect, Migrations, Migrator, MySqlBackend};
/// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::MySql, "migrate_history");
///
/// let mut my = MySqlBackend::connect("mysql://app:secret@localhost:3306/shop")?;
/// Migrator::new(&MIGRATIONS).run(&mut my)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MySqlBackend {
    conn: Conn,
    /// The named lock held, if any.
    held: Option<String>,
    in_transaction: bool,
    /// The `lock_wait_timeout` set on the session, in seconds (`None`: its default).
    session_timeout: Option<u64>,
}

impl fmt::Debug for MySqlBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlBackend")
            .field("connection_id", &self.conn.connection_id())
            .field("lock_held", &self.held.is_some())
            .field("in_transaction", &self.in_transaction)
            .finish()
    }
}

impl MySqlBackend {
    /// Wraps a connection. It must not be inside a transaction.
    pub fn new(conn: Conn) -> Self {
        MySqlBackend {
            conn,
            held: None,
            in_transaction: false,
            session_timeout: None,
        }
    }

    /// Connects to `mysql://user:password@host:port/database` (without TLS).
    /// Parameters: `socket=/path` (a Unix socket instead of TCP),
    /// `prefer_socket=true|false` (default `false`: use the host as given),
    /// `connect_timeout=<seconds>` (default 10).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] or [`Error::Connect`]; neither contains the password.
    pub fn connect(url: &str) -> Result<Self, Error> {
        let url = DatabaseUrl::parse(url)?;
        if url.dialect() != Dialect::MySql {
            return Err(url.invalid("expected a `mysql://` URL"));
        }
        Self::connect_url(&url)
    }

    pub(crate) fn connect_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let opts = mysql_opts(url)?;
        let conn = Conn::new(opts).map_err(|e| url.connect_error(my_error(&e)))?;
        Ok(MySqlBackend::new(conn))
    }

    /// The underlying connection.
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Unwraps the connection.
    pub fn into_conn(self) -> Conn {
        self.conn
    }

    fn lock_name(&mut self, table: &HistoryTable) -> Result<String, DbError> {
        let db: Option<String> = self
            .conn
            .query_first("SELECT DATABASE()")
            .map_err(|e| my_error(&e))?
            .flatten();
        let scope = table.schema().map(str::to_owned).or(db).unwrap_or_default();
        let name = format!("migrate/{scope}/{}", table.name());
        // Lock names are server-wide and at most 64 characters.
        Ok(if name.chars().count() <= 64 {
            name
        } else {
            format!("migrate/{:016x}", statement_checksum(&name))
        })
    }

    /// Who holds the named lock, for the timeout message.
    fn holder(&mut self, name: &str) -> String {
        let id: Option<u64> = match self.conn.exec_first("SELECT IS_USED_LOCK(?)", (name,)) {
            Ok(id) => id.flatten(),
            Err(e) => {
                return format!(
                    "the named lock `{name}` is held by another connection (IS_USED_LOCK failed: {})",
                    my_error(&e)
                );
            }
        };
        let Some(id) = id else {
            return format!(
                "the named lock `{name}` was held by another connection, which released it as \
                 this runner gave up"
            );
        };
        type Process = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let process: Option<Process> = self
            .conn
            .exec_first(
                "SELECT USER, HOST, COMMAND, TIME, STATE, INFO \
                 FROM information_schema.PROCESSLIST WHERE ID = ?",
                (id,),
            )
            .ok()
            .flatten();
        let hint = format!("if it is stuck, `KILL {id}` ends it and releases the lock");
        match process {
            Some((user, host, command, time, state, info)) => format!(
                "the named lock `{name}` is held by connection {id} (user `{}`, host `{}`, \
                 command `{}` for {}s, state `{}`, query: `{}`); {hint}",
                user.unwrap_or_default(),
                host.unwrap_or_default(),
                command.unwrap_or_default(),
                time.unwrap_or(0),
                state.unwrap_or_default(),
                one_line(&info.unwrap_or_default()),
            ),
            None => format!("the named lock `{name}` is held by connection {id}; {hint}"),
        }
    }

    fn write_row(&mut self, sql: &str, row: &HistoryRow) -> Result<u64, DbError> {
        self.conn
            .exec_drop(
                sql,
                (
                    &row.name,
                    &row.checksum,
                    &row.applied_at,
                    row.duration_ms,
                    row.state.as_str(),
                    row.statements_done,
                    &row.statement_checksums,
                    &row.version,
                ),
            )
            .map_err(|e| my_error(&e))?;
        Ok(self.conn.affected_rows())
    }
}

/// Connection options from the URL, parsed here so that no driver error can
/// echo it.
fn mysql_opts(url: &DatabaseUrl) -> Result<OptsBuilder, Error> {
    let raw = url.expose();
    let rest = &raw[raw.find("://").map_or(0, |i| i + 3)..];
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (userinfo, hostpath) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let (user, pass) = match userinfo {
        Some(info) => match info.split_once(':') {
            Some((u, p)) => (Some(percent_decode(u)), Some(percent_decode(p))),
            None => (Some(percent_decode(info)), None),
        },
        None => (None, None),
    };
    let (hostport, db) = match hostpath.split_once('/') {
        Some((h, d)) => (h, Some(percent_decode(d)).filter(|d| !d.is_empty())),
        None => (hostpath, None),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => return Err(url.invalid("unclosed `[` in the host")),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| url.invalid("the port is not a number"))?,
        None => 3306,
    };
    let host = if host.is_empty() { "localhost" } else { host };
    let mut opts = OptsBuilder::new()
        .ip_or_hostname(Some(host))
        .tcp_port(port)
        .user(user)
        .pass(pass)
        .db_name(db)
        .prefer_socket(false)
        .tcp_connect_timeout(Some(Duration::from_secs(10)));
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        let bool_value = || match value.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(url.invalid(format!("`{key}` expects true or false"))),
        };
        opts = match key {
            "socket" => opts.socket(Some(value.clone())),
            "prefer_socket" => opts.prefer_socket(bool_value()?),
            "connect_timeout" => {
                let secs = value
                    .parse::<u64>()
                    .map_err(|_| url.invalid("`connect_timeout` expects whole seconds"))?;
                opts.tcp_connect_timeout(Some(Duration::from_secs(secs)))
            }
            other => {
                return Err(url.invalid(format!(
                    "unknown parameter `{other}` (expected socket, prefer_socket or \
                     connect_timeout)"
                )));
            }
        };
    }
    Ok(opts)
}

/// The server's message with its error number and SQLSTATE.
pub(crate) fn my_error(e: &mysql::Error) -> DbError {
    match e {
        mysql::Error::MySqlError(server) => {
            let err = DbError::new(server.message.clone())
                .with_code(format!("MySQL {} ({})", server.code, server.state));
            if server.code == ER_LOCK_WAIT_TIMEOUT {
                err.lock_timeout()
            } else {
                err
            }
        }
        other => DbError::new(other.to_string()),
    }
}

impl Backend for MySqlBackend {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn statement_transactions(&self) -> bool {
        true
    }

    fn lock(&mut self, table: &HistoryTable, wait: Duration) -> Result<LockScope, DbError> {
        if self.held.is_some() {
            return Ok(LockScope::Session);
        }
        let name = self.lock_name(table)?;
        // GET_LOCK waits in the server without a transaction or metadata lock.
        let got: Option<Option<i64>> = self
            .conn
            .exec_first(
                "SELECT GET_LOCK(?, ?)",
                (&name, wait.as_secs() + u64::from(wait.subsec_nanos() > 0)),
            )
            .map_err(|e| my_error(&e))?;
        match got.flatten() {
            Some(1) => {
                self.held = Some(name);
                Ok(LockScope::Session)
            }
            Some(_) => Err(DbError::new(self.holder(&name)).lock_timeout()),
            None => Err(DbError::new(format!(
                "GET_LOCK(`{name}`) failed (the connection was killed or memory ran out)"
            ))),
        }
    }

    fn unlock(&mut self, _table: &HistoryTable) -> Result<(), DbError> {
        let Some(name) = self.held.take() else {
            return Ok(());
        };
        if self.in_transaction {
            let _ = Backend::rollback(self);
        }
        let released: Option<Option<i64>> = self
            .conn
            .exec_first("SELECT RELEASE_LOCK(?)", (&name,))
            .map_err(|e| my_error(&e))?;
        match released.flatten() {
            Some(1) => Ok(()),
            _ => Err(DbError::new(format!(
                "the named lock `{name}` was no longer held by this connection"
            ))),
        }
    }

    fn set_lock_timeout(&mut self, timeout: Option<Duration>) -> Result<(), DbError> {
        // Whole seconds, at least 1 (0 is not accepted).
        let secs = timeout.map(|d| (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1));
        if self.session_timeout == secs {
            return Ok(());
        }
        let sql = match secs {
            Some(s) => format!("SET SESSION lock_wait_timeout = {s}"),
            None => "SET SESSION lock_wait_timeout = DEFAULT".to_owned(),
        };
        self.conn.query_drop(sql).map_err(|e| my_error(&e))?;
        self.session_timeout = secs;
        Ok(())
    }

    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError> {
        // The parts are plain identifiers (validated): safe to inline, and a
        // text query is one round trip where a prepared one is two on the
        // new connection of a starting service.
        let schema = table
            .schema()
            .map_or_else(|| "DATABASE()".to_owned(), |s| format!("'{s}'"));
        let n: Option<i64> = self
            .conn
            .query_first(format!(
                "SELECT COUNT(*) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = '{}'",
                table.name()
            ))
            .map_err(|e| my_error(&e))?;
        Ok(n.unwrap_or(0) > 0)
    }

    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        if self.history_exists(table)? {
            return Ok(());
        }
        self.conn
            .query_drop(format!(
                "CREATE TABLE IF NOT EXISTS {} (
                    version VARCHAR(191) NOT NULL PRIMARY KEY,
                    name VARCHAR(255) NOT NULL,
                    checksum VARCHAR(255) NOT NULL,
                    applied_at DATETIME NOT NULL,
                    duration_ms BIGINT NOT NULL,
                    state VARCHAR(16) NOT NULL,
                    statements_done INT NOT NULL,
                    statement_checksums MEDIUMTEXT NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                table.quoted('`')
            ))
            .map_err(|e| my_error(&e))
    }

    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError> {
        type Row = (String, String, String, String, i64, String, i64, String);
        let rows: Vec<Row> = self
            .conn
            .query(format!(
                "SELECT version, name, checksum, DATE_FORMAT(applied_at, '%Y-%m-%dT%H:%i:%sZ'), \
                 duration_ms, state, statements_done, statement_checksums FROM {}",
                table.quoted('`')
            ))
            .map_err(|e| my_error(&e))?;
        let mut out = Vec::with_capacity(rows.len());
        for (version, name, checksum, applied_at, duration_ms, state, done, sums) in rows {
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
        let rows = self
            .conn
            .query_iter(format!(
                "SELECT version, checksum, state FROM {}",
                table.quoted('`')
            ))
            .map_err(|e| my_error(&e))?;
        for fetched in rows {
            let fetched = fetched.map_err(|e| my_error(&e))?;
            // The text protocol sends every value as bytes; anything else
            // (NULL, bad UTF-8) reads as "" and fails the comparison.
            let text = |i: usize| match fetched.as_ref(i) {
                Some(mysql::Value::Bytes(bytes)) => std::str::from_utf8(bytes).unwrap_or(""),
                _ => "",
            };
            row(ChecksumRow::read(text(0), text(1), text(2))?);
        }
        Ok(())
    }

    fn begin_exclusive(&mut self) -> Result<(), DbError> {
        self.conn
            .query_drop("START TRANSACTION")
            .map_err(|e| my_error(&e))?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        let result = self.conn.query_drop("COMMIT").map_err(|e| my_error(&e));
        self.in_transaction = false;
        result
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        let result = self.conn.query_drop("ROLLBACK").map_err(|e| my_error(&e));
        self.in_transaction = false;
        result
    }

    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.query_drop(sql).map_err(|e| my_error(&e))
    }

    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "INSERT INTO {} (name, checksum, applied_at, duration_ms, state, statements_done, \
             statement_checksums, version) \
             VALUES (?, ?, STR_TO_DATE(?, '%Y-%m-%dT%H:%i:%sZ'), ?, ?, ?, ?, ?)",
            table.quoted('`')
        );
        self.write_row(&sql, row).map(drop)
    }

    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        let sql = format!(
            "UPDATE {} SET name = ?, checksum = ?, \
             applied_at = STR_TO_DATE(?, '%Y-%m-%dT%H:%i:%sZ'), duration_ms = ?, state = ?, \
             statements_done = ?, statement_checksums = ? WHERE version = ?",
            table.quoted('`')
        );
        // MySQL counts changed rows, not matched ones: an identical update is 0.
        self.write_row(&sql, row).map(drop)
    }

    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError> {
        let sql = format!("DELETE FROM {} WHERE version = ?", table.quoted('`'));
        self.conn
            .exec_drop(sql, (version,))
            .map_err(|e| my_error(&e))
    }
}
