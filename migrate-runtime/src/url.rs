//! Database URLs: parsed, redacted for messages, and opened as a backend.

use std::fmt;
use std::str::FromStr;

use crate::backend::{Backend, DbError, LockScope};
use crate::error::Error;
use crate::history::{HistoryRow, HistoryTable};
use crate::migration::Dialect;

/// What replaces a password in every message.
const REDACTED: &str = "***";

/// A database URL: `postgres://user:password@host:5432/db`,
/// `mysql://user:password@host:3306/db` or `sqlite://path/to/file.db`
/// (`sqlite::memory:` for an in-memory database).
///
/// Its [`Display`](fmt::Display) and [`Debug`] forms replace the password
/// (in the user-info part and in a `password=` parameter) with `***`, and
/// every error opening it does too, so a URL can be logged and reported.
///
/// ```
/// use migrate_runtime::{DatabaseUrl, Dialect};
/// let url: DatabaseUrl = "postgres://app:hunter2@db.internal:5432/shop".parse()?;
/// assert_eq!(url.dialect(), Dialect::Postgres);
/// assert_eq!(url.to_string(), "postgres://app:***@db.internal:5432/shop");
/// assert!(!format!("{url:?}").contains("hunter2"));
/// let err = "redis://app:hunter2@cache:6379".parse::<DatabaseUrl>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid database URL `redis://app:***@cache:6379`: \
///      expected `postgres://…`, `mysql://…` or `sqlite://path`"
/// );
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct DatabaseUrl {
    raw: String,
    redacted: String,
    dialect: Dialect,
    /// The password as written and percent-decoded, to scrub from messages.
    secrets: Vec<String>,
}

impl DatabaseUrl {
    /// Parses and validates the scheme; the rest is checked when connecting.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] for an unknown scheme.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let (redacted, secrets) = redact(url);
        let invalid = |reason: &str| Error::InvalidUrl {
            url: redacted.clone(),
            reason: reason.to_owned(),
        };
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        let dialect = match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::MySql,
            "sqlite" => Dialect::Sqlite,
            _ => {
                return Err(invalid(
                    "expected `postgres://…`, `mysql://…` or `sqlite://path`",
                ));
            }
        };
        if dialect != Dialect::Sqlite && !url[scheme.len()..].starts_with("://") {
            return Err(invalid("expected `://` after the scheme"));
        }
        Ok(DatabaseUrl {
            raw: url.to_owned(),
            redacted,
            dialect,
            secrets,
        })
    }

    /// The dialect the scheme names.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The URL with its password replaced by `***`.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The URL as given, password included: for the driver only, never for
    /// messages.
    pub(crate) fn expose(&self) -> &str {
        &self.raw
    }

    /// `message` with every occurrence of the password replaced by `***`.
    pub(crate) fn scrub(&self, message: &str) -> String {
        let mut out = message.to_owned();
        for secret in &self.secrets {
            if !secret.is_empty() {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    pub(crate) fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::InvalidUrl {
            url: self.redacted.clone(),
            reason: self.scrub(&reason.into()),
        }
    }

    pub(crate) fn connect_error(&self, cause: DbError) -> Error {
        let message = self.scrub(cause.message());
        let mut clean = DbError::new(message);
        if let Some(code) = cause.code() {
            clean = clean.with_code(self.scrub(code));
        }
        Error::Connect {
            url: self.redacted.clone(),
            cause: clean,
        }
    }

    /// Opens a connection (PostgreSQL without TLS, MySQL, or a SQLite file,
    /// created if missing) as a backend for the [`Migrator`](crate::Migrator).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when the URL is malformed or its backend's
    /// feature is not enabled, [`Error::Connect`] when connecting fails;
    /// neither contains the password.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use migrate_runtime::{Backend, DatabaseUrl, Dialect};
    /// let url: DatabaseUrl = "sqlite::memory:".parse()?;
    /// let conn = url.connect()?;
    /// assert_eq!(conn.dialect(), Dialect::Sqlite);
    /// # }
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn connect(&self) -> Result<AnyBackend, Error> {
        match self.dialect {
            #[cfg(feature = "postgres")]
            Dialect::Postgres => {
                crate::postgres_backend::PgBackend::connect_url(self).map(AnyBackend::Postgres)
            }
            #[cfg(feature = "mysql")]
            Dialect::MySql => {
                crate::mysql_backend::MySqlBackend::connect_url(self).map(AnyBackend::MySql)
            }
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => connect_sqlite(self).map(AnyBackend::Sqlite),
            #[allow(unreachable_patterns)]
            other => Err(self.invalid(format!(
                "this build has no {} backend: enable the `{}` feature of `migrate`",
                other.name(),
                other.name()
            ))),
        }
    }

    /// The same server and credentials with another database: the path of a
    /// `postgres://` or `mysql://` URL replaced by `/database` (and a
    /// `dbname=` parameter dropped), or for SQLite the file `database`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when `database` is empty or contains `/`, `?`,
    /// `#` or `@` (for SQLite only an empty path is refused).
    ///
    /// ```
    /// use migrate_runtime::DatabaseUrl;
    /// let url: DatabaseUrl = "postgres://app:hunter2@db:5432/shop?sslmode=disable".parse()?;
    /// let scratch = url.with_database("scratch_1")?;
    /// assert_eq!(scratch.to_string(), "postgres://app:***@db:5432/scratch_1?sslmode=disable");
    /// let url: DatabaseUrl = "mysql://root@127.0.0.1".parse()?;
    /// assert_eq!(url.with_database("s")?.to_string(), "mysql://root@127.0.0.1/s");
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn with_database(&self, database: &str) -> Result<DatabaseUrl, Error> {
        if database.is_empty() {
            return Err(self.invalid("the database name is empty"));
        }
        if self.dialect == Dialect::Sqlite {
            return DatabaseUrl::parse(&format!("sqlite://{database}"));
        }
        if database.contains(['/', '?', '#', '@']) {
            return Err(self.invalid(format!(
                "the database name `{database}` contains `/`, `?`, `#` or `@`"
            )));
        }
        let raw = &self.raw;
        let start = raw.find("://").map_or(0, |i| i + 3);
        let (head, query) = match raw[start..].find('?') {
            Some(q) => (&raw[..start + q], Some(&raw[start + q + 1..])),
            None => (raw.as_str(), None),
        };
        // The host starts after the last `@` of the user-info (an unencoded
        // `/` in a password must not be taken for the path).
        let host = head[start..].rfind('@').map_or(start, |at| start + at + 1);
        let authority_end = head[host..].find('/').map_or(head.len(), |p| host + p);
        let mut out = format!("{}/{database}", &head[..authority_end]);
        if let Some(query) = query {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| {
                    !pair
                        .split_once('=')
                        .is_some_and(|(k, _)| k.eq_ignore_ascii_case("dbname"))
                })
                .collect();
            if !kept.is_empty() {
                out.push('?');
                out.push_str(&kept.join("&"));
            }
        }
        DatabaseUrl::parse(&out)
    }
}

impl FromStr for DatabaseUrl {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        DatabaseUrl::parse(s)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted).finish()
    }
}

/// Opens a backend from a URL: `postgres://…`, `mysql://…`, `sqlite://path`.
///
/// # Errors
///
/// As [`DatabaseUrl::connect`]; messages never contain the password.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use migrate_runtime::{Dialect, Migrations, Migrator};
/// static MIGRATIONS: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history");
/// let mut conn = migrate_runtime::connect("sqlite::memory:")?;
/// assert!(Migrator::new(&MIGRATIONS).run(&mut conn)?.steps.is_empty());
/// # }
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
pub fn connect(url: &str) -> Result<AnyBackend, Error> {
    DatabaseUrl::parse(url)?.connect()
}

#[cfg(feature = "sqlite")]
fn connect_sqlite(url: &DatabaseUrl) -> Result<rusqlite::Connection, Error> {
    let raw = url.expose();
    let rest = &raw["sqlite:".len()..];
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if path.is_empty() {
        return Err(url.invalid("expected a file path, as in `sqlite://app.db`"));
    }
    let opened = if path == ":memory:" {
        rusqlite::Connection::open_in_memory()
    } else {
        rusqlite::Connection::open(path)
    };
    opened.map_err(|e| url.connect_error(DbError::new(e.to_string())))
}

/// The URL with its password replaced, and the password's forms.
fn redact(url: &str) -> (String, Vec<String>) {
    let mut secrets = Vec::new();
    let Some(start) = url.find("://").map(|i| i + 3) else {
        // Not a URL: hide everything between the first `:` and the last `@`.
        return match (url.find(':'), url.rfind('@')) {
            (Some(colon), Some(at)) if colon < at => {
                let middle = &url[colon + 1..at];
                remember(&mut secrets, middle.rsplit(':').next().unwrap_or(middle));
                (
                    format!("{}{REDACTED}{}", &url[..=colon], &url[at..]),
                    secrets,
                )
            }
            _ => (url.to_owned(), secrets),
        };
    };
    let (head, query) = match url[start..].find('?') {
        Some(q) => (&url[..start + q], Some(&url[start + q + 1..])),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    // The user-info ends at the last `@` (an unencoded `@` or `/` in a
    // password must not leak it).
    match head[start..].rfind('@') {
        Some(at) => {
            let userinfo = &head[start..start + at];
            out.push_str(&head[..start]);
            match userinfo.split_once(':') {
                Some((user, password)) => {
                    out.push_str(user);
                    out.push(':');
                    out.push_str(REDACTED);
                    remember(&mut secrets, password);
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&head[start + at..]);
        }
        None => out.push_str(head),
    }
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((key, value))
                    if key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("pass") =>
                {
                    out.push_str(key);
                    out.push('=');
                    out.push_str(REDACTED);
                    remember(&mut secrets, value);
                }
                _ => out.push_str(pair),
            }
        }
    }
    // The password anywhere else in the URL (another parameter, the path).
    for secret in &secrets {
        out = out.replace(secret.as_str(), REDACTED);
    }
    (out, secrets)
}

fn remember(secrets: &mut Vec<String>, password: &str) {
    if password.is_empty() {
        return;
    }
    let decoded = percent_decode(password);
    secrets.push(password.to_owned());
    if decoded != password {
        secrets.push(decoded);
    }
    // Longest first, so that a password containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Decodes `%XX` escapes (and leaves malformed ones as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A connection opened from a URL: one variant per backend compiled in.
/// It implements [`Backend`] by delegating to the variant, so it can be
/// given to the [`Migrator`](crate::Migrator) whatever the URL's scheme.
/// Its `Debug` form holds no connection parameters.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use migrate_runtime::{AnyBackend, Backend, Dialect};
/// let conn = migrate_runtime::connect("sqlite::memory:")?;
/// assert!(matches!(conn, AnyBackend::Sqlite(_)));
/// assert_eq!(conn.dialect(), Dialect::Sqlite);
/// # }
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
#[non_exhaustive]
// One per process or so: its size does not matter, unboxed variants are simpler to match.
#[allow(clippy::large_enum_variant)]
pub enum AnyBackend {
    /// PostgreSQL (feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres(crate::postgres_backend::PgBackend),
    /// MySQL or MariaDB (feature `mysql`).
    #[cfg(feature = "mysql")]
    MySql(crate::mysql_backend::MySqlBackend),
    /// SQLite (feature `sqlite`).
    #[cfg(feature = "sqlite")]
    Sqlite(rusqlite::Connection),
}

impl fmt::Debug for AnyBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(ref b) => f.debug_tuple("Postgres").field(b).finish(),
            #[cfg(feature = "mysql")]
            AnyBackend::MySql(ref b) => f.debug_tuple("MySql").field(b).finish(),
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(ref c) => f
                .debug_tuple("Sqlite")
                .field(&c.path().unwrap_or(":memory:"))
                .finish(),
        }
    }
}

macro_rules! delegate {
    ($self:ident, $b:ident => $e:expr) => {
        match *$self {
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(ref mut $b) => $e,
            #[cfg(feature = "mysql")]
            AnyBackend::MySql(ref mut $b) => $e,
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(ref mut $b) => $e,
        }
    };
}

macro_rules! delegate_ref {
    ($self:ident, $b:ident => $e:expr) => {
        match *$self {
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(ref $b) => $e,
            #[cfg(feature = "mysql")]
            AnyBackend::MySql(ref $b) => $e,
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(ref $b) => $e,
        }
    };
}

#[allow(unused_variables, unreachable_code)]
impl Backend for AnyBackend {
    fn dialect(&self) -> Dialect {
        delegate_ref!(self, b => b.dialect())
    }
    fn transactional_ddl(&self) -> bool {
        delegate_ref!(self, b => b.transactional_ddl())
    }
    fn statement_transactions(&self) -> bool {
        delegate_ref!(self, b => b.statement_transactions())
    }
    fn lock(
        &mut self,
        table: &HistoryTable,
        wait: std::time::Duration,
    ) -> Result<LockScope, DbError> {
        delegate!(self, b => b.lock(table, wait))
    }
    fn unlock(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        delegate!(self, b => b.unlock(table))
    }
    fn set_lock_timeout(&mut self, timeout: Option<std::time::Duration>) -> Result<(), DbError> {
        delegate!(self, b => b.set_lock_timeout(timeout))
    }
    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError> {
        delegate!(self, b => b.history_exists(table))
    }
    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        delegate!(self, b => b.create_history(table))
    }
    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError> {
        delegate!(self, b => b.read_history(table))
    }
    fn scan_checksums(
        &mut self,
        table: &HistoryTable,
        row: &mut dyn FnMut(crate::ChecksumRow<'_>),
    ) -> Result<(), DbError> {
        delegate!(self, b => b.scan_checksums(table, row))
    }
    fn begin_exclusive(&mut self) -> Result<(), DbError> {
        delegate!(self, b => b.begin_exclusive())
    }
    fn commit(&mut self) -> Result<(), DbError> {
        delegate!(self, b => Backend::commit(b))
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        delegate!(self, b => Backend::rollback(b))
    }
    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError> {
        delegate!(self, b => b.execute_sql(sql))
    }
    fn execute_statement(&mut self, statement: &crate::Statement) -> Result<(), DbError> {
        delegate!(self, b => b.execute_statement(statement))
    }
    fn execute_all(&mut self, statements: &[crate::Statement]) -> Result<(), crate::BatchFailure> {
        delegate!(self, b => b.execute_all(statements))
    }
    fn run_transaction(
        &mut self,
        table: &HistoryTable,
        statements: &[crate::Statement],
        write: crate::HistoryWrite<'_>,
    ) -> Result<(), crate::BatchFailure> {
        delegate!(self, b => b.run_transaction(table, statements, write))
    }
    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        delegate!(self, b => b.insert_row(table, row))
    }
    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        delegate!(self, b => b.update_row(table, row))
    }
    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError> {
        delegate!(self, b => b.delete_row(table, version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_everywhere() {
        let cases = [
            ("postgres://u:p4ss@h:5432/db", "postgres://u:***@h:5432/db"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            (
                "postgres://h/db?password=p4ss&x=1",
                "postgres://h/db?password=***&x=1",
            ),
            ("mysql://u:p/4@ss@h/db", "mysql://u:***@h/db"),
            ("mysql://u:p%40ss@h/db", "mysql://u:***@h/db"),
            ("sqlite://app.db", "sqlite://app.db"),
        ];
        for (url, redacted) in cases {
            let parsed = DatabaseUrl::parse(url).unwrap();
            assert_eq!(parsed.redacted(), redacted);
            assert_eq!(parsed.to_string(), redacted);
            assert!(!format!("{parsed:?}").contains("p4ss"));
        }
        let url = DatabaseUrl::parse("mysql://u:p%40ss@h/db").unwrap();
        assert_eq!(url.scrub("bad p@ss and p%40ss"), "bad *** and ***");
    }

    #[test]
    fn rejects_unknown_schemes_without_the_password() {
        for url in ["redis://u:p4ss@h", "postgres:u:p4ss@h", "u:p4ss@h"] {
            let err = DatabaseUrl::parse(url).unwrap_err();
            assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
            assert!(!err.to_string().contains("p4ss"), "{err}");
            assert!(!format!("{err:?}").contains("p4ss"), "{err:?}");
        }
    }

    #[test]
    fn replaces_the_database() {
        let cases = [
            (
                "postgres://u:p/4@ss@h:5432/db",
                "postgres://u:p/4@ss@h:5432/x",
            ),
            ("postgres://h", "postgres://h/x"),
            (
                "postgres://h/?dbname=db&application_name=a",
                "postgres://h/x?application_name=a",
            ),
            ("postgres://u@h/db?dbname=db", "postgres://u@h/x"),
            ("mysql://root@[::1]:3306/db", "mysql://root@[::1]:3306/x"),
            ("sqlite://app.db", "sqlite://x"),
        ];
        for (url, expected) in cases {
            let parsed = DatabaseUrl::parse(url).unwrap();
            assert_eq!(parsed.with_database("x").unwrap().expose(), expected);
        }
        let url = DatabaseUrl::parse("mysql://u:p4ss@h/db").unwrap();
        for bad in ["", "a/b", "a?b", "a@b"] {
            let err = url.with_database(bad).unwrap_err();
            assert!(!err.to_string().contains("p4ss"), "{err}");
        }
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%40b%2Fc"), "a@b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
