//! Helpers for the tests against real servers: one database per test,
//! skipping (with a message) when a server is unreachable, failing instead
//! when `CI=true`; raw queries through the drivers; child processes.
//!
//! Servers: `MIGRATE_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432`) and `MIGRATE_TEST_MYSQL` (default
//! `mysql://root@127.0.0.1:3306`), both without a database part.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use migrate_runtime::AnyBackend;

/// A database server the tests can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Postgres,
    MySql,
    Sqlite,
}

impl Server {
    pub fn name(self) -> &'static str {
        match self {
            Server::Postgres => "PostgreSQL",
            Server::MySql => "MariaDB/MySQL",
            Server::Sqlite => "SQLite",
        }
    }
}

/// Whether unreachable servers fail the tests (`CI=true`) instead of skipping them.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub fn postgres_base() -> String {
    std::env::var("MIGRATE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

pub fn mysql_base() -> String {
    std::env::var("MIGRATE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
}

/// Whether `server` answers; cached per process. Prints why it does not.
fn reachable(server: Server) -> Result<(), String> {
    static PG: OnceLock<Result<(), String>> = OnceLock::new();
    static MY: OnceLock<Result<(), String>> = OnceLock::new();
    match server {
        Server::Sqlite => Ok(()),
        Server::Postgres => PG
            .get_or_init(|| {
                #[cfg(feature = "postgres")]
                {
                    admin_pg().map(drop)
                }
                #[cfg(not(feature = "postgres"))]
                Err("the postgres feature is off".to_owned())
            })
            .clone(),
        Server::MySql => MY
            .get_or_init(|| {
                #[cfg(feature = "mysql")]
                {
                    admin_mysql().map(drop)
                }
                #[cfg(not(feature = "mysql"))]
                Err("the mysql feature is off".to_owned())
            })
            .clone(),
    }
}

#[cfg(feature = "postgres")]
fn admin_pg() -> Result<migrate_runtime::postgres::Client, String> {
    let mut config: migrate_runtime::postgres::Config = format!("{}/postgres", postgres_base())
        .parse()
        .map_err(|e| format!("{e}"))?;
    config.connect_timeout(Duration::from_secs(3));
    config
        .connect(migrate_runtime::postgres::NoTls)
        .map_err(|e| e.to_string())
}

#[cfg(feature = "mysql")]
fn admin_mysql() -> Result<migrate_runtime::mysql::Conn, String> {
    let opts = migrate_runtime::mysql::Opts::from_url(&format!("{}/", mysql_base()))
        .map_err(|e| e.to_string())?;
    let opts = migrate_runtime::mysql::OptsBuilder::from_opts(opts)
        .prefer_socket(false)
        .tcp_connect_timeout(Some(Duration::from_secs(3)));
    migrate_runtime::mysql::Conn::new(opts).map_err(|e| e.to_string())
}

/// A unique database name for this process and test.
fn unique_name(label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let clean: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    format!(
        "mt_{clean}_{}_{}_{:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos & 0xffff
    )
}

/// A database of its own for one test, dropped at the end.
pub struct TestDb {
    pub server: Server,
    pub name: String,
    url: String,
    raw: std::cell::RefCell<Option<Raw>>,
}

enum Raw {
    #[cfg(feature = "postgres")]
    Pg(migrate_runtime::postgres::Client),
    #[cfg(feature = "mysql")]
    My(migrate_runtime::mysql::Conn),
    #[cfg(feature = "sqlite")]
    Lite(migrate_runtime::rusqlite::Connection),
}

impl TestDb {
    /// A fresh, empty database, or `None` (after printing why) when the
    /// server is unreachable outside CI. In CI an unreachable server panics.
    pub fn create(server: Server, label: &str) -> Option<TestDb> {
        if let Err(why) = reachable(server) {
            if in_ci() {
                panic!(
                    "{} is unreachable and CI=true, so this test cannot be skipped: {why}",
                    server.name()
                );
            }
            eprintln!("skipping: {} is unreachable ({why})", server.name());
            return None;
        }
        let name = unique_name(label);
        let url = match server {
            Server::Postgres => {
                #[cfg(feature = "postgres")]
                admin_pg()
                    .unwrap()
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .unwrap();
                format!("{}/{name}", postgres_base())
            }
            Server::MySql => {
                #[cfg(feature = "mysql")]
                {
                    use migrate_runtime::mysql::prelude::Queryable;
                    admin_mysql()
                        .unwrap()
                        .query_drop(format!("CREATE DATABASE `{name}`"))
                        .unwrap();
                }
                format!("{}/{name}", mysql_base())
            }
            Server::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite://{}", path.display())
            }
        };
        let db = TestDb {
            server,
            name,
            url,
            raw: std::cell::RefCell::new(None),
        };
        db.exec("CREATE TABLE runs (marker VARCHAR(64) NOT NULL)");
        Some(db)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new backend connection through the runtime.
    pub fn connect(&self) -> AnyBackend {
        migrate_runtime::connect(&self.url).unwrap()
    }

    fn sqlite_path(&self) -> String {
        self.url["sqlite://".len()..].to_owned()
    }

    fn with_raw<T>(&self, f: impl FnOnce(&mut Raw) -> T) -> T {
        let mut slot = self.raw.borrow_mut();
        if slot.is_none() {
            *slot = Some(match self.server {
                #[cfg(feature = "postgres")]
                Server::Postgres => Raw::Pg(
                    migrate_runtime::postgres::Client::connect(
                        &self.url,
                        migrate_runtime::postgres::NoTls,
                    )
                    .unwrap(),
                ),
                #[cfg(feature = "mysql")]
                Server::MySql => Raw::My(
                    migrate_runtime::mysql::Conn::new(
                        migrate_runtime::mysql::OptsBuilder::from_opts(
                            migrate_runtime::mysql::Opts::from_url(&self.url).unwrap(),
                        )
                        .prefer_socket(false),
                    )
                    .unwrap(),
                ),
                #[cfg(feature = "sqlite")]
                Server::Sqlite => {
                    let conn =
                        migrate_runtime::rusqlite::Connection::open(self.sqlite_path()).unwrap();
                    conn.busy_timeout(Duration::from_secs(30)).unwrap();
                    Raw::Lite(conn)
                }
                #[allow(unreachable_patterns)]
                other => panic!("{} support is not compiled in", other.name()),
            });
        }
        f(slot.as_mut().unwrap())
    }

    /// Drops the cached raw connection (e.g. after the server killed it).
    pub fn reset_raw(&self) {
        *self.raw.borrow_mut() = None;
    }

    /// Executes one statement on a raw driver connection.
    pub fn exec(&self, sql: &str) {
        self.try_exec(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub fn try_exec(&self, sql: &str) -> Result<(), String> {
        self.with_raw(|raw| match raw {
            #[cfg(feature = "postgres")]
            Raw::Pg(c) => c.batch_execute(sql).map_err(|e| format!("{e:?}")),
            #[cfg(feature = "mysql")]
            Raw::My(c) => {
                use migrate_runtime::mysql::prelude::Queryable;
                c.query_drop(sql).map_err(|e| e.to_string())
            }
            #[cfg(feature = "sqlite")]
            Raw::Lite(c) => c.execute_batch(sql).map_err(|e| e.to_string()),
        })
    }

    /// The first column of every row, as text (`NULL` as `"NULL"`).
    pub fn strings(&self, sql: &str) -> Vec<String> {
        self.with_raw(|raw| match raw {
            #[cfg(feature = "postgres")]
            Raw::Pg(c) => c
                .simple_query(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
                .into_iter()
                .filter_map(|m| match m {
                    migrate_runtime::postgres::SimpleQueryMessage::Row(r) => {
                        Some(r.get(0).unwrap_or("NULL").to_owned())
                    }
                    _ => None,
                })
                .collect(),
            #[cfg(feature = "mysql")]
            Raw::My(c) => {
                use migrate_runtime::mysql::prelude::Queryable;
                let rows: Vec<migrate_runtime::mysql::Row> =
                    c.query(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.into_iter()
                    .map(|r| match r.as_ref(0) {
                        Some(migrate_runtime::mysql::Value::NULL) | None => "NULL".to_owned(),
                        Some(migrate_runtime::mysql::Value::Bytes(b)) => {
                            String::from_utf8_lossy(b).into_owned()
                        }
                        Some(v) => v.as_sql(true).trim_matches('\'').to_owned(),
                    })
                    .collect()
            }
            #[cfg(feature = "sqlite")]
            Raw::Lite(c) => {
                let mut stmt = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                stmt.query_map([], |r| {
                    let v: migrate_runtime::rusqlite::types::Value = r.get(0)?;
                    Ok(match v {
                        migrate_runtime::rusqlite::types::Value::Null => "NULL".to_owned(),
                        migrate_runtime::rusqlite::types::Value::Integer(i) => i.to_string(),
                        migrate_runtime::rusqlite::types::Value::Real(f) => f.to_string(),
                        migrate_runtime::rusqlite::types::Value::Text(t) => t,
                        migrate_runtime::rusqlite::types::Value::Blob(b) => {
                            String::from_utf8_lossy(&b).into_owned()
                        }
                    })
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
            }
        })
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.strings(sql)[0].parse().unwrap()
    }

    /// The side-effect markers, sorted.
    pub fn markers(&self) -> Vec<String> {
        let mut m = self.strings("SELECT marker FROM runs");
        m.sort();
        m
    }

    /// `(version, state, statements_done)` of each history row, by version.
    pub fn history(&self) -> Vec<(String, String, u32)> {
        if !self.table_exists("migrate_history") {
            return Vec::new();
        }
        let rows = if self.server == Server::MySql {
            self.strings(
                "SELECT CONCAT(version, ' ', state, ' ', statements_done) FROM migrate_history",
            )
        } else {
            self.strings(
                "SELECT version || ' ' || state || ' ' || statements_done FROM migrate_history",
            )
        };
        let mut out: Vec<(String, String, u32)> = rows
            .iter()
            .map(|r| {
                let mut it = r.split(' ');
                (
                    it.next().unwrap().to_owned(),
                    it.next().unwrap().to_owned(),
                    it.next().unwrap().parse().unwrap(),
                )
            })
            .collect();
        out.sort_by_key(|(v, _, _)| v.parse::<u64>().unwrap_or(u64::MAX));
        out
    }

    pub fn table_exists(&self, table: &str) -> bool {
        let sql = match self.server {
            Server::Postgres => format!(
                "SELECT count(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            Server::MySql => format!(
                "SELECT COUNT(*) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"
            ),
            Server::Sqlite => {
                format!(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
                )
            }
        };
        self.count(&sql) > 0
    }

    pub fn index_exists(&self, index: &str) -> bool {
        let sql = match self.server {
            Server::Postgres => format!("SELECT count(*) FROM pg_class WHERE relname = '{index}'"),
            Server::MySql => format!(
                "SELECT COUNT(*) FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = '{index}'"
            ),
            Server::Sqlite => {
                format!(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{index}'"
                )
            }
        };
        self.count(&sql) > 0
    }

    pub fn column_exists(&self, table: &str, column: &str) -> bool {
        let sql = match self.server {
            Server::Postgres => format!(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = \
                 current_schema() AND table_name = '{table}' AND column_name = '{column}'"
            ),
            Server::MySql => format!(
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME = '{table}' AND COLUMN_NAME = '{column}'"
            ),
            Server::Sqlite => {
                format!("SELECT count(*) FROM pragma_table_info('{table}') WHERE name = '{column}'")
            }
        };
        self.count(&sql) > 0
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        *self.raw.borrow_mut() = None;
        match self.server {
            Server::Postgres =>
            {
                #[cfg(feature = "postgres")]
                if let Ok(mut admin) = admin_pg() {
                    let _ = admin.batch_execute(&format!(
                        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                        self.name
                    ));
                }
            }
            Server::MySql =>
            {
                #[cfg(feature = "mysql")]
                if let Ok(mut admin) = admin_mysql() {
                    use migrate_runtime::mysql::prelude::Queryable;
                    let _ = admin.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
                }
            }
            Server::Sqlite => {
                let path = self.sqlite_path();
                for suffix in ["", "-journal", "-wal", "-shm", "-migrate-lock"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
}

// ---------- child processes ----------

/// The environment variable that turns a test binary into a child runner.
pub const CHILD_ENV: &str = "MIGRATE_TEST_CHILD";

/// Spawns this test binary running only the test `entry` (which must call
/// [`child_main`] first), with `env` set. Its stdout is piped.
pub fn spawn_child(entry: &str, env: &[(&str, String)]) -> Child {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", entry, "--nocapture", "--test-threads", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Reads lines of a child's stdout on a thread; returns a receiver of lines.
pub fn lines(child: &mut Child) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for `child` at most until `deadline`; kills it after.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut s);
    }
    s
}

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A small deterministic-per-call random number in `[0, n)`.
pub fn random_below(n: u64) -> u64 {
    static STATE: OnceLock<std::sync::Mutex<u64>> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        let seed = std::env::var("MIGRATE_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| now_ms() ^ u64::from(std::process::id()));
        eprintln!("random seed: {seed} (set MIGRATE_TEST_SEED to replay)");
        std::sync::Mutex::new(seed | 1)
    });
    let mut x = state.lock().unwrap();
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    if n == 0 { 0 } else { *x % n }
}

// ---------- fixtures ----------

use migrate_runtime::{Migration, Section, Statement, Version};

pub const fn section(
    statements: &'static [Statement],
    transactional: bool,
    file: &'static str,
) -> Section {
    Section {
        statements,
        transactional,
        file,
    }
}

pub const fn st(line: u32, sql: &'static str) -> Statement {
    Statement::new(sql, line)
}

pub const fn mig(
    text: &'static str,
    parts: &'static [u64],
    name: &'static str,
    up: Section,
    down: Option<Section>,
    checksum: &'static str,
) -> Migration {
    Migration {
        version: Version::new(text, parts),
        name,
        up,
        down,
        irreversible: None,
        checksum,
    }
}

/// `(version, state, statements_done)` rows of the history table.
pub type Rows = Vec<(String, String, u32)>;

/// What a refused operation must leave unchanged: markers, history, columns.
pub type Snapshot = (Vec<String>, Rows, Vec<String>);
