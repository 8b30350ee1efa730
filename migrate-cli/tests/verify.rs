//! `cargo migrate verify` against real databases: SQLite always, PostgreSQL
//! and MariaDB when reachable (required under `CI=true`). Each test writes
//! its own migration sets; every run creates (and must drop) its own scratch
//! database.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn cli() -> Command {
    Command::cargo_bin("cargo-migrate").expect("the binary is built")
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    format!("{prefix}_{}_{nanos}", std::process::id())
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

fn pg_reachable() -> bool {
    reachable(
        "PostgreSQL",
        Process::new("pg_isready").args(["-h", "127.0.0.1", "-p", "5432"]),
    )
}

fn mariadb_reachable() -> bool {
    reachable(
        "MariaDB",
        Process::new("mariadb-admin").args(["-h", "127.0.0.1", "-u", "root", "ping"]),
    )
}

fn psql(sql: &str) -> String {
    let out = Process::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-Atc", sql])
        .output()
        .expect("psql");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn mariadb(sql: &str) -> String {
    let out = Process::new("mariadb")
        .args(["-h", "127.0.0.1", "-u", "root", "-N", "-e", sql])
        .output()
        .expect("mariadb");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The rules the test migrations break on purpose (they are about locks,
/// not reversibility).
const CONFIG: &str = "mariadb_version = \"10.11\"\n\
    [rules]\n\
    create-index-non-concurrently = \"allow\"\n\
    change-column-type = \"allow\"\n\
    drop-table = \"allow\"\n\
    drop-column = \"allow\"\n\
    add-required-column = \"allow\"\n\
    non-transactional-ddl-batch = \"allow\"\n\
    require-algorithm-assertion = \"allow\"\n\
    require-lock-timeout = \"allow\"\n";

/// A directory of migrations and a `migrate.toml`, removed when dropped.
struct Set {
    dir: PathBuf,
}

impl Set {
    fn new(files: &[(&str, &str)]) -> Set {
        let dir = std::env::temp_dir().join(unique("verify_set"));
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        std::fs::write(dir.join("migrate.toml"), CONFIG).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join("migrations").join(name), text).unwrap();
        }
        Set { dir }
    }

    fn verify(&self, url: &str, extra: &[&str]) -> (Option<i32>, String, String) {
        let out = cli()
            .arg("verify")
            .arg("--dir")
            .arg(self.dir.join("migrations"))
            .arg("--config")
            .arg(self.dir.join("migrate.toml"))
            .args(["--database-url", url])
            .args(extra)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Set {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn migration(up: &str, down: Option<&str>) -> String {
    match down {
        Some(down) => format!("-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"),
        None => format!("-- migrate:up\n{up}\n-- migrate:irreversible: test data only\n"),
    }
}

/// The SQL of the test sets in one dialect.
struct Dialect {
    create_users: &'static str,
    /// Up changes `users.age`; down changes its type, nullability and default.
    change_age_up: &'static str,
    change_age_down: &'static str,
    /// What the snapshot shows for `users.age` before the change and after the bad down.
    age_before: &'static str,
    age_after: &'static str,
}

const SQLITE: Dialect = Dialect {
    create_users: "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, age INTEGER NOT NULL DEFAULT 0);",
    change_age_up: "ALTER TABLE users DROP COLUMN age;",
    change_age_down: "ALTER TABLE users ADD COLUMN age TEXT;",
    age_before: "INTEGER NOT NULL DEFAULT 0",
    age_after: "TEXT",
};

const POSTGRES: Dialect = Dialect {
    create_users: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, age integer NOT NULL DEFAULT 0);",
    change_age_up: "ALTER TABLE users ALTER COLUMN age DROP DEFAULT;",
    change_age_down: "ALTER TABLE users ALTER COLUMN age TYPE bigint, ALTER COLUMN age DROP NOT NULL;",
    age_before: "integer NOT NULL DEFAULT 0",
    age_after: "bigint",
};

const MARIADB: Dialect = Dialect {
    create_users: "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL, age int NOT NULL DEFAULT 0);",
    change_age_up: "ALTER TABLE users ALTER COLUMN age DROP DEFAULT;",
    change_age_down: "ALTER TABLE users MODIFY age bigint NULL;",
    age_before: "int(11) NOT NULL DEFAULT 0",
    age_after: "bigint(20)",
};

/// Reversible migrations and one irreversible one.
fn clean_set(d: &Dialect) -> Set {
    Set::new(&[
        (
            "1_users.sql",
            &migration(d.create_users, Some("DROP TABLE users;")),
        ),
        (
            "2_index.sql",
            &migration(
                "CREATE INDEX users_email_idx ON users (email);",
                Some(if d.create_users.contains("varchar") {
                    "DROP INDEX users_email_idx ON users;"
                } else {
                    "DROP INDEX users_email_idx;"
                }),
            ),
        ),
        (
            "3_posts.sql",
            &migration(
                "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), \
                 title varchar(100) NOT NULL CHECK (title <> ''));",
                Some("DROP TABLE posts;"),
            ),
        ),
        (
            "4_logs.sql",
            &migration("CREATE TABLE logs (id bigint PRIMARY KEY);", None),
        ),
    ])
}

/// One of each fault, in this order: an index left behind, a column
/// changed, a down that fails, a column left behind (the up then fails when
/// applied again: the column exists), and a migration never reached.
fn faulty_set(d: &Dialect) -> Set {
    Set::new(&[
        (
            "1_users.sql",
            &migration(d.create_users, Some("DROP TABLE users;")),
        ),
        (
            "2_index_left.sql",
            &migration(
                "CREATE TABLE audit (id bigint PRIMARY KEY);\n\
                 CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);",
                Some("DROP TABLE audit;"),
            ),
        ),
        (
            "3_column_changed.sql",
            &migration(d.change_age_up, Some(d.change_age_down)),
        ),
        (
            "4_down_fails.sql",
            &migration(
                "CREATE TABLE tags (id bigint PRIMARY KEY);",
                Some("DROP TABLE tagz;"),
            ),
        ),
        (
            "5_column_left.sql",
            &migration(
                "CREATE TABLE notes (id bigint PRIMARY KEY);\n\
                 ALTER TABLE users ADD COLUMN nickname varchar(50);",
                Some("DROP TABLE notes;"),
            ),
        ),
        (
            "6_after.sql",
            &migration(
                "CREATE TABLE later (id bigint PRIMARY KEY);",
                Some("DROP TABLE later;"),
            ),
        ),
    ])
}

fn assert_clean(code: Option<i32>, out: &str, err: &str) {
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("verify 1 users ... ok"), "{out}");
    assert!(
        out.contains("verify 4 logs ... irreversible, down not checked"),
        "{out}"
    );
    assert!(
        out.contains("ok: 4 migrations verified: 3 reversed, 1 irreversible"),
        "{out}"
    );
}

/// The JSON report's results, with the findings checked for every backend.
fn assert_faulty_json(out: &str, d: &Dialect) -> Value {
    let report: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["ok"], false);
    let results: Vec<&str> = report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["result"].as_str().unwrap())
        .collect();
    assert_eq!(
        results,
        [
            "reversed",
            "not_reversed",
            "not_reversed",
            "down_failed",
            "reapply_failed",
            "not_verified"
        ],
        "{out}"
    );
    let m = &report["migrations"];
    let index = &m[1]["differences"][0];
    assert_eq!(
        (index["object"].as_str(), index["name"].as_str()),
        (Some("index"), Some("users_email_idx")),
        "{out}"
    );
    assert_eq!(index["change"], "left_behind");
    assert_eq!(index["table"], "users");
    let age = &m[2]["differences"][0];
    assert_eq!(age["name"], "age", "{out}");
    assert_eq!(age["change"], "changed");
    assert_eq!(age["before"], d.age_before, "{out}");
    assert_eq!(age["after"], d.age_after, "{out}");
    assert!(
        m[3]["error"].as_str().unwrap().contains("DROP TABLE tagz"),
        "{out}"
    );
    assert_eq!(
        m[3]["file"]
            .as_str()
            .map(|f| f.ends_with("4_down_fails.sql")),
        Some(true)
    );
    assert!(
        m[4]["error"]
            .as_str()
            .unwrap()
            .contains("ADD COLUMN nickname"),
        "the up trips over the column the down left: {out}"
    );
    let column = &m[4]["differences"][0];
    assert_eq!(
        (column["object"].as_str(), column["name"].as_str()),
        (Some("column"), Some("nickname")),
        "{out}"
    );
    assert_eq!(column["change"], "left_behind");
    report
}

// ---- SQLite ----

fn sqlite_url() -> String {
    // The file named is never touched: verify works in a temporary file.
    format!(
        "sqlite://{}",
        std::env::temp_dir()
            .join(unique("never_used"))
            .join("app.db")
            .display()
    )
}

fn scratch_files_left(database: &str) -> bool {
    let path = database.trim_start_matches("sqlite://");
    Path::new(path).exists() || Path::new(&format!("{path}-migrate-lock")).exists()
}

#[test]
fn sqlite_clean_set_passes_and_its_scratch_file_is_removed() {
    let set = clean_set(&SQLITE);
    let (code, out, err) = set.verify(&sqlite_url(), &[]);
    assert_clean(code, &out, &err);
    let (code, out, _) = set.verify(&sqlite_url(), &["--format", "json"]);
    assert_eq!(code, Some(0));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["migrations"][3]["result"], "irreversible");
    assert_eq!(report["migrations"][3]["reason"], "test data only");
    let database = report["database"].as_str().unwrap();
    assert!(database.contains("migrate_verify_"), "{database}");
    assert!(!scratch_files_left(database), "{database} was removed");
}

#[test]
fn sqlite_faulty_set_reports_each_down() {
    let set = faulty_set(&SQLITE);
    let (code, out, err) = set.verify(&sqlite_url(), &[]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    for expected in [
        "error: migration 2 (index_left): its down does not reverse its up",
        "index `users_email_idx` on `users` is left behind by the down: INDEX (email)",
        "column `users.age` is not restored: before the up `INTEGER NOT NULL DEFAULT 0`, after the down `TEXT`",
        "error: migration 4 (down_fails): its down fails",
        "`DROP TABLE tagz`: no such table: tagz",
        "error: migration 5 (column_left): its up fails when applied again after its down",
        "column `users.nickname` is left behind by the down: VARCHAR(50)",
        "verify 6 after ... not verified",
        "error: 4 of 6 migrations fail verification",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(
        out.contains("4_down_fails.sql:5"),
        "points at the down: {out}"
    );
    let (code, out, _) = set.verify(&sqlite_url(), &["--format", "json"]);
    assert_eq!(code, Some(1));
    let report = assert_faulty_json(&out, &SQLITE);
    assert!(!scratch_files_left(report["database"].as_str().unwrap()));
}

#[test]
fn sqlite_scratch_as_is_needs_an_empty_database() {
    let set = clean_set(&SQLITE);
    let dir = std::env::temp_dir().join(unique("as_is"));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("scratch.db");
    let url = format!("sqlite://{}", db.display());
    let (code, out, err) = set.verify(&url, &["--scratch-as-is"]);
    assert_clean(code, &out, &err);
    assert!(db.exists(), "a database given as is stays");
    // Now it holds the tables: refused, and nothing changes.
    let (code, out, err) = set.verify(&url, &["--scratch-as-is"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(err.contains("is not empty"), "{err}");
    assert!(
        err.contains("applied migrations in `migrate_history`"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- PostgreSQL ----

#[test]
fn postgres_verify_catches_each_fault_and_drops_its_scratch_database() {
    if !pg_reachable() {
        return;
    }
    // The password is ignored by trust auth, and must never be printed.
    let url = "postgres://postgres:hunter2@127.0.0.1:5432/postgres";
    let (code, out, err) = clean_set(&POSTGRES).verify(url, &[]);
    assert_clean(code, &out, &err);
    assert!(!out.contains("hunter2") && !err.contains("hunter2"));

    let (code, out, err) = faulty_set(&POSTGRES).verify(url, &["--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!out.contains("hunter2") && !err.contains("hunter2"));
    let report = assert_faulty_json(&out, &POSTGRES);
    let index = &report["migrations"][1]["differences"][0];
    assert_eq!(
        index["after"],
        "CREATE INDEX users_email_idx ON public.users USING btree (email)"
    );
    let database = report["database"].as_str().unwrap();
    assert!(
        database.starts_with("postgres://postgres:***@"),
        "{database}"
    );
    let name = database.rsplit('/').next().unwrap();
    assert!(name.starts_with("migrate_verify_"), "{name}");
    assert_eq!(
        psql(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
        )),
        "0",
        "the scratch database is dropped"
    );
}

#[test]
fn postgres_scratch_as_is_refuses_a_database_with_tables() {
    if !pg_reachable() {
        return;
    }
    let db = unique("verify_as_is");
    psql(&format!("CREATE DATABASE {db}"));
    psql(&format!("ALTER DATABASE {db} SET search_path = public"));
    let out = Process::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", &db, "-qc"])
        .arg("CREATE TABLE precious (id int)")
        .output()
        .unwrap();
    assert!(out.status.success());
    let url = format!("postgres://postgres@127.0.0.1/{db}");
    let (code, _, err) = clean_set(&POSTGRES).verify(&url, &["--scratch-as-is"]);
    psql(&format!("DROP DATABASE {db} WITH (FORCE)"));
    assert_eq!(code, Some(2));
    assert!(err.contains("is not empty (table `precious`)"), "{err}");
}

#[test]
fn postgres_ctrl_c_stops_and_drops_the_scratch_database() {
    if !pg_reachable() {
        return;
    }
    let set = Set::new(&[(
        "1_slow.sql",
        &migration(
            "CREATE TABLE slow (id bigint PRIMARY KEY);\nSELECT pg_sleep(1.5);",
            Some("DROP TABLE slow;"),
        ),
    )]);
    let child = Process::new(assert_cmd::cargo::cargo_bin("cargo-migrate"))
        .arg("verify")
        .arg("--dir")
        .arg(set.dir.join("migrations"))
        .arg("--config")
        .arg(set.dir.join("migrate.toml"))
        .args(["--database-url", "postgres://postgres@127.0.0.1/postgres"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    // The scratch database is named after the process.
    let pattern = format!("migrate\\_verify\\_{}\\_%", child.id());
    let started = std::time::Instant::now();
    let name = loop {
        let found = psql(&format!(
            "SELECT datname FROM pg_database WHERE datname LIKE '{pattern}'"
        ));
        if !found.is_empty() {
            break found;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no scratch database appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let killed = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{text}");
    assert!(text.contains("error: interrupted"), "{text}");
    assert_eq!(
        psql(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
        )),
        "0",
        "the scratch database is dropped after Ctrl-C"
    );
}

// ---- MariaDB ----

#[test]
fn mariadb_verify_catches_each_fault_and_drops_its_scratch_database() {
    if !mariadb_reachable() {
        return;
    }
    let url = "mysql://root@127.0.0.1:3306/";
    let (code, out, err) = clean_set(&MARIADB).verify(url, &[]);
    assert_clean(code, &out, &err);

    let (code, out, err) = faulty_set(&MARIADB).verify(url, &["--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    let report = assert_faulty_json(&out, &MARIADB);
    let index = &report["migrations"][1]["differences"][0];
    assert_eq!(index["after"], "INDEX (`email`) USING BTREE");
    let name = report["database"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert!(name.starts_with("migrate_verify_"), "{name}");
    assert_eq!(
        mariadb(&format!(
            "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
        )),
        "0",
        "the scratch database is dropped"
    );
}
