//! A closed stdout (`cargo migrate status | head -1`) ends the output quietly:
//! no panic, no backtrace, no message, and the exit code the command would
//! have had with its whole output read.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::Project;

/// Enough migrations that every command's output overflows a pipe's buffer
/// (64 KiB on Linux): the writer is still writing when the reader goes away.
const MIGRATIONS: usize = 1500;

fn project(migrations: usize) -> Project {
    let p = Project::new("pipe");
    p.file(
        "migrations/0001_orders.sql",
        "-- migrate:up\nCREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);\n\
         -- migrate:down\nDROP TABLE orders;\n",
    );
    for i in 2..=migrations {
        p.file(
            &format!("migrations/{i:04}_index_orders_by_user_number_{i:04}.sql"),
            &format!(
                "-- migrate:up\nCREATE INDEX orders_user_{i} ON orders (user_id);\n\
                 -- migrate:down\nDROP INDEX orders_user_{i};\n"
            ),
        );
    }
    p
}

/// Runs the binary with its stdout on a pipe that is closed after the first
/// line: (exit code, first line, stderr).
fn run_closing_stdout(p: &Project, args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("cargo-migrate"))
        .current_dir(&p.root)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    {
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut first).expect("first line");
        // `out` is dropped here: the read end of the pipe is closed.
    }
    let output = child.wait_with_output().expect("wait");
    (
        output.status.code(),
        first,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_quiet_end(p: &Project, args: &[&str]) {
    let full = p.run(args);
    assert!(
        full.stdout.len() > 80 * 1024,
        "the output must overflow the pipe: {} bytes",
        full.stdout.len()
    );
    let (code, first, stderr) = run_closing_stdout(p, args);
    assert_eq!(
        code, full.code,
        "{args:?}: the exit code is the command's own; stderr: {stderr}"
    );
    assert_eq!(
        Some(first.as_str()),
        full.stdout.split_inclusive('\n').next()
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(
        !stderr.to_lowercase().contains("broken pipe"),
        "{args:?}: {stderr}"
    );
    assert_eq!(stderr, full.stderr, "{args:?}: nothing more on stderr");
}

#[test]
fn status_lint_and_dry_runs_end_quietly_on_a_closed_pipe() {
    let p = project(MIGRATIONS);
    let db = p.root.join("app.db");
    let url = format!("sqlite://{}", db.display());
    assert_quiet_end(&p, &["status", "--database-url", &url]);
    assert_quiet_end(&p, &["up", "--dry-run", "--database-url", &url]);
    assert_quiet_end(&p, &["lint", "--dialect", "postgres"]);
    assert_quiet_end(&p, &["lint", "--dialect", "postgres", "--format", "json"]);
    assert!(
        !db.exists(),
        "nothing was created by the read-only commands"
    );
}

#[test]
fn up_applies_everything_when_its_output_is_closed() {
    // stdout and stderr (the progress lines) both closed before the first
    // write: applying goes on to the end.
    let p = project(40);
    let db = p.root.join("app.db");
    let url = format!("sqlite://{}", db.display());
    let child = Command::new(assert_cmd::cargo::cargo_bin("cargo-migrate"))
        .current_dir(&p.root)
        .env("NO_COLOR", "1")
        .args(["up", "--database-url", &url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut child = child;
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    let status = p.run(&["status", "--database-url", &url]);
    assert_eq!(status.code, Some(0), "{status:?}");
    assert!(
        status.stdout.contains("40 applied, 0 need attention"),
        "{}",
        status.stdout
    );
}
