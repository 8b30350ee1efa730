//! `cargo migrate status` and `up` against real databases: SQLite always,
//! PostgreSQL and MariaDB when reachable (required under `CI=true`).

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

fn examples(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(dir)
}

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

#[test]
fn sqlite_status_up_dry_run_and_to() {
    let db = std::env::temp_dir().join(format!("{}.db", unique("cli_sqlite")));
    let url = format!("sqlite://{}", db.display());
    let dir = examples("migrations");
    let run = |args: &[&str]| {
        cli()
            .args(args)
            .arg("--dir")
            .arg(&dir)
            .arg("--database-url")
            .arg(&url)
            .output()
            .expect("runs")
    };

    let status = run(&["status"]);
    assert_eq!(
        status.status.code(),
        Some(1),
        "pending migrations make status exit 1"
    );
    assert_eq!(
        String::from_utf8_lossy(&status.stdout)
            .matches("pending")
            .count(),
        4
    );
    assert_eq!(run(&["status", "--exit-zero"]).status.code(), Some(0));

    let plan = run(&["up", "--dry-run"]);
    let plan_text = String::from_utf8_lossy(&plan.stdout);
    assert!(plan.status.success());
    assert!(plan_text.contains("CREATE TABLE users"), "{plan_text}");
    assert!(
        String::from_utf8_lossy(&run(&["status"]).stdout)
            .matches("pending")
            .count()
            == 4,
        "--dry-run changes nothing"
    );

    let up = run(&["up", "--to", "20240102090000"]);
    assert!(up.status.success());
    assert!(String::from_utf8_lossy(&up.stdout).contains("applied 2"));
    let up = run(&["up"]);
    let text = String::from_utf8_lossy(&up.stdout);
    assert!(text.starts_with("applied 2:\n  20240103100000 "), "{text}");
    assert!(text.contains("\n  20240104150000 "), "{text}");
    let status = run(&["status"]);
    assert_eq!(status.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&status.stdout).contains("4 applied, 0 need attention"));
    let _ = std::fs::remove_file(&db);
}

#[test]
fn a_directory_that_fails_the_check_is_never_applied() {
    let dir = std::env::temp_dir().join(unique("cli_bad"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("1_t.sql"),
        "-- migrate:up\nCREATE TABLE t (id INTEGER);\n",
    )
    .unwrap();
    let db = dir.join("x.db");
    let out = cli()
        .args(["up", "--dir"])
        .arg(&dir)
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("missing-down"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was applied"));
    let conn = rusqlite_free_check(&db);
    assert!(!conn, "no table was created");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether the SQLite file has a table `t` (without linking rusqlite here:
/// the file either does not exist or holds no `t`).
fn rusqlite_free_check(db: &Path) -> bool {
    std::fs::read(db)
        .map(|b| String::from_utf8_lossy(&b).contains("CREATE TABLE t"))
        .unwrap_or(false)
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

fn concurrent_ups(url: &str, dir: &Path) {
    let bin = assert_cmd::cargo::cargo_bin("cargo-migrate");
    // All started before any is waited for: they race for the lock.
    let children: Vec<_> = (0..6)
        .map(|_| {
            Process::new(&bin)
                .args(["up", "--dir"])
                .arg(dir)
                .args(["--database-url", url])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawns")
        })
        .collect();
    let mut applied = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // `applied 2:` then a line per migration: `  <version> <name>`.
        if text.starts_with("applied ") {
            applied.extend(
                text.lines()
                    .skip(1)
                    .filter_map(|l| l.strip_prefix("  "))
                    .filter_map(|l| l.split(' ').next())
                    .map(str::to_owned),
            );
        }
    }
    applied.sort();
    let before = applied.len();
    applied.dedup();
    assert_eq!(
        before,
        applied.len(),
        "a migration was applied twice: {applied:?}"
    );
    assert_eq!(applied.len(), 4, "{applied:?}");
}

#[test]
fn postgres_concurrent_ups_apply_each_migration_once() {
    if !reachable(
        "PostgreSQL",
        Process::new("pg_isready").args(["-h", "127.0.0.1", "-p", "5432"]),
    ) {
        return;
    }
    let db = unique("cli_pg");
    let psql = |sql: &str| {
        Process::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-qc", sql])
            .output()
            .expect("psql")
    };
    assert!(psql(&format!("CREATE DATABASE {db}")).status.success());
    let url = format!("postgres://postgres:hunter2@127.0.0.1/{db}");
    concurrent_ups(&url, &examples("migrations_pg"));
    let out = cli()
        .args(["status", "--dir"])
        .arg(examples("migrations_pg"))
        .args(["--database-url", &url])
        .output()
        .unwrap();
    psql(&format!("DROP DATABASE {db} WITH (FORCE)"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("4 applied, 0 need attention"), "{text}");
    assert!(!text.contains("hunter2"), "the password never shows");
}

#[test]
fn mariadb_concurrent_ups_apply_each_migration_once() {
    let mysql = |sql: &str| {
        Process::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-e", sql])
            .output()
    };
    if !reachable(
        "MariaDB",
        Process::new("mariadb-admin").args(["-h", "127.0.0.1", "-u", "root", "ping"]),
    ) {
        return;
    }
    let db = unique("cli_my");
    assert!(
        mysql(&format!("CREATE DATABASE {db}"))
            .expect("mariadb")
            .status
            .success()
    );
    let url = format!("mysql://root@127.0.0.1/{db}");
    concurrent_ups(&url, &examples("migrations_mysql"));
    let out = cli()
        .args(["status", "--dir"])
        .arg(examples("migrations_mysql"))
        .args(["--database-url", &url])
        .output()
        .unwrap();
    let _ = mysql(&format!("DROP DATABASE {db}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("4 applied, 0 need attention"), "{text}");
}
