//! Shared by the CLI tests: a temporary project root, the binary run inside
//! it, and a fresh database per test on SQLite, PostgreSQL or MariaDB (the
//! servers as `tests/database.rs` reaches them: skipped when unreachable,
//! a failure under `CI=true`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// A unique name for a database or directory.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    format!(
        "{prefix}_{}_{nanos}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The versions listed one per line under the line that starts (after its
/// indentation) with `heading`, as `applied 2:` lists them: the first word of
/// each following line indented deeper. Empty when no line starts so.
pub fn listed(text: &str, heading: &str) -> Vec<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut lines = text.lines();
    let Some(head) = lines.find(|l| l.trim_start().starts_with(heading)) else {
        return Vec::new();
    };
    lines
        .take_while(|l| indent(l) > indent(head) && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for assertions on messages.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A temporary crate root (removed on drop) with a Cargo.toml.
pub struct Project {
    pub root: PathBuf,
    /// DATABASE_URL given to every run (unset when `None`).
    pub url: Option<String>,
}

impl Project {
    pub fn new(name: &str) -> Project {
        let root = std::env::temp_dir().join(unique(&format!("migrate-cli-{name}")));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
        )
        .unwrap();
        Project { root, url: None }
    }

    /// Writes a file (parents created) relative to the root.
    pub fn file(&self, rel: &str, contents: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// The files of the migrations directory, sorted.
    pub fn migrations(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Runs `cargo-migrate <args>` in the root, with DATABASE_URL set.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::cargo_bin("cargo-migrate").unwrap();
        cmd.current_dir(&self.root).env("NO_COLOR", "1").args(args);
        match &self.url {
            Some(url) => cmd.env("DATABASE_URL", url),
            None => cmd.env_remove("DATABASE_URL"),
        };
        let output = cmd.output().unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `new NAME`, then writes `sql` into the new sections file; returns its version.
    pub fn new_migration(&self, name: &str, sql: &str) -> String {
        let run = self.run(&["new", name]);
        assert_eq!(run.code, Some(0), "{run:?}");
        let created = run
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("created "))
            .expect("names the file")
            .trim()
            .to_owned();
        std::fs::write(self.root.join(&created), sql).unwrap();
        let file = Path::new(&created).file_name().unwrap().to_string_lossy();
        file.split('_').next().unwrap().to_owned()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The database servers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Sqlite,
    Postgres,
    MariaDb,
}

/// Whether a server answers; under `CI=true` an unreachable server fails.
fn reachable(name: &str, probe: &mut Process) -> bool {
    let ok = probe.output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is unreachable under CI=true"
        );
        eprintln!("skipping: {name} is unreachable");
    }
    ok
}

fn psql(db: &str, sql: &str) -> std::process::Output {
    Process::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAqc", sql])
        .output()
        .expect("psql")
}

fn mariadb(db: Option<&str>, sql: &str) -> std::process::Output {
    let mut cmd = Process::new("mariadb");
    cmd.args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", "-e", sql]);
    if let Some(db) = db {
        cmd.arg(db);
    }
    cmd.output().expect("mariadb")
}

/// A database of its own for one test, dropped at the end.
pub struct Db {
    pub server: Server,
    pub name: String,
    /// The URL; PostgreSQL's carries a password (trust auth ignores it) so
    /// that tests can check it never shows.
    pub url: String,
    path: Option<PathBuf>,
}

/// The password in PostgreSQL URLs of the tests.
pub const SECRET: &str = "s3cret-pw";

impl Db {
    /// A fresh database, or `None` when the server is unreachable (outside CI).
    pub fn create(server: Server, prefix: &str) -> Option<Db> {
        let name = unique(prefix);
        match server {
            Server::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Some(Db {
                    server,
                    url: format!("sqlite://{}", path.display()),
                    name,
                    path: Some(path),
                })
            }
            Server::Postgres => {
                if !reachable(
                    "PostgreSQL",
                    Process::new("pg_isready").args(["-h", "127.0.0.1", "-p", "5432"]),
                ) {
                    return None;
                }
                assert!(
                    psql("postgres", &format!("CREATE DATABASE {name}"))
                        .status
                        .success()
                );
                Some(Db {
                    server,
                    url: format!("postgres://postgres:{SECRET}@127.0.0.1/{name}"),
                    name,
                    path: None,
                })
            }
            Server::MariaDb => {
                if !reachable(
                    "MariaDB",
                    Process::new("mariadb-admin").args(["-h", "127.0.0.1", "-u", "root", "ping"]),
                ) {
                    return None;
                }
                assert!(
                    mariadb(None, &format!("CREATE DATABASE {name}"))
                        .status
                        .success()
                );
                Some(Db {
                    server,
                    url: format!("mysql://root@127.0.0.1/{name}"),
                    name,
                    path: None,
                })
            }
        }
    }

    /// Runs SQL by hand on the server (what a person fixing a dirty
    /// migration does); panics if it fails.
    pub fn exec(&self, sql: &str) {
        let out = match self.server {
            Server::Postgres => psql(&self.name, sql),
            Server::MariaDb => mariadb(Some(&self.name), sql),
            Server::Sqlite => panic!("exec is for the servers"),
        };
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The user tables (the history table excluded), sorted.
    pub fn tables(&self) -> Vec<String> {
        let mut names: Vec<String> = match self.server {
            Server::Sqlite => {
                let Some(path) = &self.path else {
                    return Vec::new();
                };
                if !path.exists() {
                    return Vec::new();
                }
                let conn = migrate_runtime::rusqlite::Connection::open(path).unwrap();
                let mut stmt = conn
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .unwrap();
                stmt.query_map([], |r| r.get::<_, String>(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Server::Postgres => {
                let out = psql(
                    &self.name,
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                );
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            }
            Server::MariaDb => {
                let out = mariadb(Some(&self.name), "SHOW TABLES");
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            }
        };
        names.retain(|n| {
            !n.is_empty() && !n.starts_with("migrate_history") && !n.starts_with("sqlite_")
        });
        names.sort();
        names
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        match self.server {
            Server::Sqlite => {
                if let Some(path) = &self.path {
                    let _ = std::fs::remove_file(path);
                    let mut lock = path.clone().into_os_string();
                    lock.push("-migrate-lock");
                    let _ = std::fs::remove_file(lock);
                }
            }
            Server::Postgres => {
                psql(
                    "postgres",
                    &format!("DROP DATABASE {} WITH (FORCE)", self.name),
                );
            }
            Server::MariaDb => {
                mariadb(None, &format!("DROP DATABASE {}", self.name));
            }
        }
    }
}
