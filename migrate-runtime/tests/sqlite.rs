//! Behaviour of the migrator on SQLite: each test uses its own in-memory
//! database or temporary file.
#![cfg(feature = "sqlite")]

use std::path::PathBuf;
use std::sync::{Arc, Barrier};

use common::{mig, section, st};
use migrate_runtime::{
    Action, Dialect, Direction, Error, Migration, Migrations, Migrator, Resolution, Section, State,
    Statement, StepKind, Version,
};
use rusqlite::Connection;

mod common;

// ---------- fixtures ----------

const F1: &str = "migrations/0001_create_users.sql";
const F2: &str = "migrations/0002_create_posts.sql";
const F3: &str = "migrations/0003_add_email.sql";

const M1: Migration = mig(
    "0001",
    &[1],
    "create_users",
    section(
        &[
            st(2, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"),
            st(3, "INSERT INTO runs VALUES ('0001')"),
        ],
        true,
        F1,
    ),
    Some(section(
        &[
            st(5, "DROP TABLE users"),
            st(6, "INSERT INTO runs VALUES ('-0001')"),
        ],
        true,
        F1,
    )),
    "sha256:1111",
);
const M2: Migration = mig(
    "0002",
    &[2],
    "create_posts",
    section(
        &[
            st(
                2,
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER)",
            ),
            st(3, "INSERT INTO runs VALUES ('0002')"),
        ],
        true,
        F2,
    ),
    Some(section(
        &[
            st(5, "DROP TABLE posts"),
            st(6, "INSERT INTO runs VALUES ('-0002')"),
        ],
        true,
        F2,
    )),
    "sha256:2222",
);
const M3: Migration = mig(
    "0003",
    &[3],
    "add_email",
    section(
        &[
            st(2, "ALTER TABLE users ADD COLUMN email TEXT"),
            st(3, "INSERT INTO runs VALUES ('0003')"),
        ],
        true,
        F3,
    ),
    Some(section(
        &[
            st(5, "ALTER TABLE users DROP COLUMN email"),
            st(6, "INSERT INTO runs VALUES ('-0003')"),
        ],
        true,
        F3,
    )),
    "sha256:3333",
);

static ALL: Migrations = Migrations::new(&[M1, M2, M3], Dialect::Sqlite, "migrate_history");

/// `ALL` with 0001 edited after it was applied.
static EDITED: Migrations = Migrations::new(
    &[
        Migration {
            checksum: "sha256:1111-edited",
            ..M1
        },
        M2,
        M3,
    ],
    Dialect::Sqlite,
    "migrate_history",
);

/// A binary built before 0003 was added.
static STALE: Migrations = Migrations::new(&[M1, M2], Dialect::Sqlite, "migrate_history");

/// A branch without 0002.
static GAP: Migrations = Migrations::new(&[M1, M3], Dialect::Sqlite, "migrate_history");

const FAIL_FILE: &str = "migrations/0002_broken.sql";
static FAIL_TX: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "0002",
            &[2],
            "broken",
            section(
                &[
                    st(2, "CREATE TABLE t2 (x)"),
                    st(3, "INSERT INTO runs VALUES ('0002')"),
                    st(4, "INSERT INTO nope VALUES (1)"),
                ],
                true,
                FAIL_FILE,
            ),
            Some(section(&[st(6, "DROP TABLE t2")], true, FAIL_FILE)),
            "sha256:bad2",
        ),
    ],
    Dialect::Sqlite,
    "migrate_history",
);

static FAIL_NOTX: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "0002",
            &[2],
            "broken",
            section(
                &[
                    st(3, "CREATE TABLE a (x)"),
                    st(4, "CREATE TABLE b (x)"),
                    st(5, "INSERT INTO nope VALUES (1)"),
                    st(6, "CREATE TABLE c (x)"),
                ],
                false,
                FAIL_FILE,
            ),
            Some(section(
                &[
                    st(8, "DROP TABLE c"),
                    st(9, "DROP TABLE b"),
                    st(10, "DROP TABLE a"),
                ],
                false,
                FAIL_FILE,
            )),
            "sha256:bad2",
        ),
    ],
    Dialect::Sqlite,
    "migrate_history",
);

const DOWN_FILE: &str = "migrations/0001_pair.sql";
static FAIL_NOTX_DOWN: Migrations = Migrations::new(
    &[mig(
        "0001",
        &[1],
        "pair",
        section(
            &[st(2, "CREATE TABLE x (a)"), st(3, "CREATE TABLE y (a)")],
            true,
            DOWN_FILE,
        ),
        Some(section(
            &[
                st(5, "DROP TABLE y"),
                st(6, "DROP TABLE nope"),
                st(7, "DROP TABLE x"),
            ],
            false,
            DOWN_FILE,
        )),
        "sha256:pair",
    )],
    Dialect::Sqlite,
    "migrate_history",
);

static NOTX_OK: Migrations = Migrations::new(
    &[mig(
        "1",
        &[1],
        "journal",
        section(
            &[
                st(2, "CREATE TABLE j (a)"),
                st(3, "INSERT INTO runs VALUES ('1')"),
            ],
            false,
            "migrations/1_journal.sql",
        ),
        Some(section(
            &[
                st(5, "DROP TABLE j"),
                st(6, "INSERT INTO runs VALUES ('-1')"),
            ],
            false,
            "migrations/1_journal.sql",
        )),
        "sha256:j",
    )],
    Dialect::Sqlite,
    "migrate_history",
);

static IRREVERSIBLE: Migrations = Migrations::new(
    &[
        M1,
        Migration {
            version: Version::new("0002", &[2]),
            name: "drop_legacy",
            up: section(
                &[
                    st(2, "CREATE TABLE legacy_gone (x)"),
                    st(3, "INSERT INTO runs VALUES ('0002')"),
                ],
                true,
                "migrations/0002_drop_legacy.sql",
            ),
            down: None,
            irreversible: Some("the legacy rows are deleted"),
            checksum: "sha256:legacy",
        },
        M3,
    ],
    Dialect::Sqlite,
    "migrate_history",
);

static QUALIFIED: Migrations = Migrations::new(&[M1], Dialect::Sqlite, "main.schema_versions");
static BAD_TABLE: Migrations = Migrations::new(&[M1], Dialect::Sqlite, "history; DROP TABLE x");
static POSTGRES: Migrations = Migrations::new(&[M1], Dialect::Postgres, "migrate_history");

macro_rules! counted {
    ($($n:literal),*) => {
        &[$(Migration {
            version: Version::new(stringify!($n), &[$n]),
            name: concat!("m", $n),
            up: Section {
                statements: &[
                    Statement::new(concat!("CREATE TABLE t", $n, " (x)"), 1),
                    Statement::new(concat!("INSERT INTO runs VALUES ('", $n, "')"), 2),
                ],
                transactional: true,
                file: concat!("migrations/", $n, "_m.sql"),
            },
            down: Some(Section {
                statements: &[Statement::new(concat!("DROP TABLE t", $n), 4)],
                transactional: true,
                file: concat!("migrations/", $n, "_m.sql"),
            }),
            irreversible: None,
            checksum: concat!("sha256:", $n),
        }),*]
    };
}

static MANY: Migrations = Migrations::new(
    counted!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    Dialect::Sqlite,
    "migrate_history",
);

// ---------- helpers ----------

/// An in-memory database with the side-effect table `runs`.
fn memory() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE runs (v TEXT NOT NULL)")
        .unwrap();
    conn
}

/// A temporary database file, removed on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "migrate-runtime-{}-{}-{:?}.db",
            name,
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let db = TempDb(path);
        db.open()
            .execute_batch("CREATE TABLE runs (v TEXT NOT NULL)")
            .unwrap();
        db
    }

    fn open(&self) -> Connection {
        Connection::open(&self.0).unwrap()
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm", "-migrate-lock"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The side effects, in order.
fn runs(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT v FROM runs ORDER BY rowid").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The user tables, sorted.
fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// `(version, state, statements_done)` of each history row, by version.
type Rows = Vec<(String, String, u32)>;

fn history(conn: &Connection) -> Rows {
    if !tables(conn).iter().any(|t| t == "migrate_history") {
        return Vec::new();
    }
    let mut stmt = conn
        .prepare("SELECT version, state, statements_done FROM migrate_history ORDER BY version")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn applied(versions: &[&str]) -> Rows {
    versions
        .iter()
        .map(|v| (v.to_string(), "applied".to_string(), 2))
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A snapshot of everything a failed operation must leave untouched.
fn snapshot(conn: &Connection) -> (Vec<String>, Vec<String>, Rows) {
    (tables(conn), runs(conn), history(conn))
}

// ---------- run ----------

#[test]
fn run_applies_all_pending_in_order_and_records_them() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    let report = migrator.run(&mut conn).unwrap();
    assert_eq!(report.versions(), ["0001", "0002", "0003"]);
    assert!(report.steps.iter().all(|s| s.kind == StepKind::Apply));
    assert_eq!(runs(&conn), ["0001", "0002", "0003"]);
    assert_eq!(tables(&conn), ["migrate_history", "posts", "runs", "users"]);
    assert_eq!(columns(&conn, "users"), ["id", "name", "email"]);
    assert_eq!(history(&conn), applied(&["0001", "0002", "0003"]));

    let (name, checksum, applied_at, duration_ms): (String, String, String, i64) = conn
        .query_row(
            "SELECT name, checksum, applied_at, duration_ms FROM migrate_history WHERE version = '0002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), checksum.as_str()),
        ("create_posts", "sha256:2222")
    );
    assert_rfc3339(&applied_at);
    assert!(duration_ms >= 0);

    // A second run has nothing to do and executes nothing.
    assert!(migrator.run(&mut conn).unwrap().steps.is_empty());
    assert_eq!(runs(&conn), ["0001", "0002", "0003"]);
}

fn assert_rfc3339(s: &str) {
    let b = s.as_bytes();
    assert_eq!(b.len(), 20, "{s}");
    for (i, c) in b.iter().enumerate() {
        match i {
            4 | 7 => assert_eq!(*c, b'-', "{s}"),
            10 => assert_eq!(*c, b'T', "{s}"),
            13 | 16 => assert_eq!(*c, b':', "{s}"),
            19 => assert_eq!(*c, b'Z', "{s}"),
            _ => assert!(c.is_ascii_digit(), "{s}"),
        }
    }
    assert!(s.as_str_year() >= 2024, "{s}");
}

trait Year {
    fn as_str_year(&self) -> u32;
}
impl Year for str {
    fn as_str_year(&self) -> u32 {
        self[..4].parse().unwrap()
    }
}

#[test]
fn run_to_stops_at_the_target_inclusive() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    assert_eq!(
        migrator.run_to(&mut conn, 2).unwrap().versions(),
        ["0001", "0002"]
    );
    assert_eq!(runs(&conn), ["0001", "0002"]);
    assert_eq!(columns(&conn, "users"), ["id", "name"]);
    assert_eq!(history(&conn), applied(&["0001", "0002"]));
    // Already there: nothing to do.
    assert!(migrator.run_to(&mut conn, "1").unwrap().steps.is_empty());
    // Text and numbers name the same version.
    assert_eq!(
        migrator.run_to(&mut conn, "0003").unwrap().versions(),
        ["0003"]
    );
    assert_eq!(runs(&conn), ["0001", "0002", "0003"]);
}

#[test]
fn run_to_rejects_unknown_and_invalid_targets_without_changes() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    let before = snapshot(&conn);
    match migrator.run_to(&mut conn, 4).unwrap_err() {
        Error::UnknownTarget { target } => assert_eq!(target, "4"),
        e => panic!("unexpected {e}"),
    }
    match migrator.run_to(&mut conn, "v2").unwrap_err() {
        Error::InvalidTarget { target } => assert_eq!(target, "v2"),
        e => panic!("unexpected {e}"),
    }
    assert_eq!(snapshot(&conn), before);
    assert_eq!(tables(&conn), ["runs"]);
}

// ---------- rollback, redo ----------

#[test]
fn rollback_to_reverts_newest_first_and_keeps_the_target() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    migrator.run(&mut conn).unwrap();
    let report = migrator.rollback_to(&mut conn, "0001").unwrap();
    assert_eq!(report.versions(), ["0003", "0002"]);
    assert!(report.steps.iter().all(|s| s.kind == StepKind::Revert));
    assert_eq!(runs(&conn), ["0001", "0002", "0003", "-0003", "-0002"]);
    assert_eq!(tables(&conn), ["migrate_history", "runs", "users"]);
    assert_eq!(columns(&conn, "users"), ["id", "name"]);
    assert_eq!(history(&conn), applied(&["0001"]));

    // 0 rolls back everything.
    assert_eq!(
        migrator.rollback_to(&mut conn, 0).unwrap().versions(),
        ["0001"]
    );
    assert_eq!(tables(&conn), ["migrate_history", "runs"]);
    assert!(history(&conn).is_empty());
    // And everything can be applied again.
    assert_eq!(
        migrator.run(&mut conn).unwrap().versions(),
        ["0001", "0002", "0003"]
    );
}

#[test]
fn redo_reverts_and_reapplies_the_newest() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    migrator.run(&mut conn).unwrap();
    let report = migrator.redo(&mut conn).unwrap();
    let steps: Vec<_> = report
        .steps
        .iter()
        .map(|s| (s.kind, s.migration.version.text))
        .collect();
    assert_eq!(
        steps,
        [(StepKind::Revert, "0003"), (StepKind::Apply, "0003")]
    );
    assert_eq!(runs(&conn), ["0001", "0002", "0003", "-0003", "0003"]);
    assert_eq!(history(&conn), applied(&["0001", "0002", "0003"]));
    assert_eq!(columns(&conn, "users"), ["id", "name", "email"]);
}

#[test]
fn redo_with_nothing_applied_is_an_error() {
    let mut conn = memory();
    assert!(matches!(
        Migrator::new(&ALL).redo(&mut conn).unwrap_err(),
        Error::NothingApplied
    ));
    assert!(runs(&conn).is_empty());
}

#[test]
fn irreversible_migration_stops_rollback_before_anything_is_reverted() {
    let mut conn = memory();
    let migrator = Migrator::new(&IRREVERSIBLE);
    migrator.run(&mut conn).unwrap();
    let before = snapshot(&conn);
    let err = migrator.rollback_to(&mut conn, 0).unwrap_err();
    match &err {
        Error::Irreversible {
            version,
            name,
            reason,
        } => {
            assert_eq!(
                (version.as_str(), name.as_str(), reason.as_str()),
                ("0002", "drop_legacy", "the legacy rows are deleted")
            );
        }
        e => panic!("unexpected {e}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("0002") && msg.contains("the legacy rows are deleted"),
        "{msg}"
    );
    // 0003 was not reverted either: the check happens before any change.
    assert_eq!(snapshot(&conn), before);
    // Rolling back to the irreversible migration itself is fine.
    assert_eq!(
        migrator.rollback_to(&mut conn, 2).unwrap().versions(),
        ["0003"]
    );
    assert_eq!(history(&conn), applied(&["0001", "0002"]));
    // Redo of an irreversible migration is refused too.
    assert!(matches!(
        migrator.redo(&mut conn).unwrap_err(),
        Error::Irreversible { version, .. } if version == "0002"
    ));
}

// ---------- baseline ----------

#[test]
fn baseline_records_without_running_sql_then_run_continues() {
    let mut conn = memory();
    conn.execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER)")
        .unwrap();
    let migrator = Migrator::new(&ALL);
    let report = migrator.baseline(&mut conn, "0002").unwrap();
    assert_eq!(report.versions(), ["0001", "0002"]);
    assert!(report.steps.iter().all(|s| s.kind == StepKind::Record));
    assert!(runs(&conn).is_empty(), "baseline must not run SQL");
    assert_eq!(history(&conn), applied(&["0001", "0002"]));
    let states: Vec<State> = migrator
        .status(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(states, [State::Applied, State::Applied, State::Pending]);

    assert_eq!(migrator.run(&mut conn).unwrap().versions(), ["0003"]);
    assert_eq!(runs(&conn), ["0003"]);
}

#[test]
fn baseline_refuses_a_database_with_history() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    migrator.run_to(&mut conn, 1).unwrap();
    let before = snapshot(&conn);
    match migrator.baseline(&mut conn, 3).unwrap_err() {
        Error::BaselineNotEmpty { table, rows } => {
            assert_eq!((table.as_str(), rows), ("migrate_history", 1));
        }
        e => panic!("unexpected {e}"),
    }
    assert_eq!(snapshot(&conn), before);
    assert!(matches!(
        migrator.baseline(&mut memory(), 9).unwrap_err(),
        Error::UnknownTarget { .. }
    ));
}

// ---------- record_applied (taking over another tool's history) ----------

#[test]
fn record_applied_records_exactly_the_set_and_leaves_the_gap_pending() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    // Another tool applied 0001 and 0003, never 0002; duplicates are one.
    let report = migrator
        .record_applied(&mut conn, ["3", "0001", "0003"])
        .unwrap();
    assert_eq!(report.versions(), ["0001", "0003"]);
    assert!(report.steps.iter().all(|s| s.kind == StepKind::Record));
    assert!(runs(&conn).is_empty(), "record_applied must not run SQL");
    assert_eq!(history(&conn), applied(&["0001", "0003"]));
    let states: Vec<State> = migrator
        .status(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(
        states,
        [State::Applied, State::PendingOutOfOrder, State::Applied]
    );
    assert!(matches!(
        migrator.run(&mut conn).unwrap_err(),
        Error::OutOfOrder { .. }
    ));
}

#[test]
fn record_applied_again_is_a_no_op_and_another_set_is_refused() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    migrator.record_applied(&mut conn, ["1", "2"]).unwrap();
    let before = snapshot(&conn);
    assert!(
        migrator
            .record_applied(&mut conn, ["2", "1"])
            .unwrap()
            .steps
            .is_empty()
    );
    match migrator
        .record_applied(&mut conn, ["1", "2", "3"])
        .unwrap_err()
    {
        Error::BaselineNotEmpty { rows, .. } => assert_eq!(rows, 2),
        e => panic!("unexpected {e}"),
    }
    assert!(matches!(
        migrator.record_applied(&mut conn, ["1"]).unwrap_err(),
        Error::BaselineNotEmpty { .. }
    ));
    assert_eq!(snapshot(&conn), before);
}

#[test]
fn record_applied_checks_every_version_before_writing() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    let before = snapshot(&conn);
    assert!(matches!(
        migrator.record_applied(&mut conn, ["1", "9"]).unwrap_err(),
        Error::UnknownTarget { target } if target == "9"
    ));
    assert!(matches!(
        migrator.record_applied(&mut conn, ["1", "v2"]).unwrap_err(),
        Error::InvalidTarget { .. }
    ));
    assert_eq!(snapshot(&conn), before);
    let plan = migrator
        .plan(&mut conn, Action::RecordApplied(vec!["2".into()]))
        .unwrap();
    assert_eq!(plan.summary(), [(StepKind::Record, "0002")]);
    assert_eq!(snapshot(&conn), before, "plan writes nothing");
}

// ---------- plan ----------

#[test]
fn plan_shows_the_sql_and_changes_nothing() {
    let mut conn = memory();
    let migrator = Migrator::new(&ALL);
    let before = snapshot(&conn);
    let plan = migrator.plan(&mut conn, Action::Run).unwrap();
    assert_eq!(
        plan.summary(),
        [
            (StepKind::Apply, "0001"),
            (StepKind::Apply, "0002"),
            (StepKind::Apply, "0003")
        ]
    );
    let text = plan.to_string();
    assert!(
        text.starts_with(
            "-- apply 0001 create_users (migrations/0001_create_users.sql, in a transaction)\n\
         CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("ALTER TABLE users ADD COLUMN email TEXT;"),
        "{text}"
    );
    // Not even the history table was created.
    assert_eq!(snapshot(&conn), before);
    assert_eq!(tables(&conn), ["runs"]);

    migrator.run_to(&mut conn, 2).unwrap();
    let before = snapshot(&conn);
    let plan = migrator
        .plan(&mut conn, Action::RollbackTo(0u64.into()))
        .unwrap();
    assert_eq!(
        plan.summary(),
        [(StepKind::Revert, "0002"), (StepKind::Revert, "0001")]
    );
    assert!(plan.to_string().contains("DROP TABLE posts;"));
    let plan = migrator.plan(&mut conn, Action::Redo).unwrap();
    assert_eq!(
        plan.summary(),
        [(StepKind::Revert, "0002"), (StepKind::Apply, "0002")]
    );
    let plan = migrator.plan(&mut conn, Action::RunTo("3".into())).unwrap();
    assert_eq!(plan.summary(), [(StepKind::Apply, "0003")]);
    // The plan reports the error the action would.
    assert!(matches!(
        migrator
            .plan(&mut conn, Action::Baseline(1u64.into()))
            .unwrap_err(),
        Error::BaselineNotEmpty { rows: 2, .. }
    ));
    assert_eq!(snapshot(&conn), before);
}

// ---------- status ----------

#[test]
fn status_reports_every_state() {
    let mut conn = memory();
    // Nothing at all yet: all pending, and status does not create the table.
    let states: Vec<_> = Migrator::new(&ALL)
        .status(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| (s.version, s.state))
        .collect();
    assert_eq!(
        states,
        [
            ("0001".to_string(), State::Pending),
            ("0002".to_string(), State::Pending),
            ("0003".to_string(), State::Pending)
        ]
    );
    assert_eq!(tables(&conn), ["runs"]);

    Migrator::new(&GAP).run(&mut conn).unwrap(); // 0001 and 0003
    conn.execute_batch(
        "UPDATE migrate_history SET checksum = 'sha256:old' WHERE version = '0003';
         INSERT INTO migrate_history VALUES ('0004', 'from_the_future', 'sha256:4444',
             '2030-01-01T00:00:00Z', 12, 'applied', 1, '');",
    )
    .unwrap();
    let status = Migrator::new(&ALL).status(&mut conn).unwrap();
    let states: Vec<_> = status
        .iter()
        .map(|s| (s.version.as_str(), s.name.as_str(), s.state.clone()))
        .collect();
    assert_eq!(
        states,
        [
            ("0001", "create_users", State::Applied),
            ("0002", "create_posts", State::PendingOutOfOrder),
            (
                "0003",
                "add_email",
                State::Changed {
                    recorded: "sha256:old".into()
                }
            ),
            ("0004", "from_the_future", State::Missing),
        ]
    );
    assert_rfc3339(status[0].applied_at.as_deref().unwrap());
    assert!(status[0].duration.is_some() && status[0].migration.is_some());
    assert_eq!(status[1].applied_at, None);
    assert_eq!(
        status[3].duration,
        Some(std::time::Duration::from_millis(12))
    );
    assert!(status[3].migration.is_none());
}

// ---------- validation ----------

#[test]
fn checksum_drift_is_an_error_and_changes_nothing() {
    let mut conn = memory();
    Migrator::new(&ALL).run_to(&mut conn, 1).unwrap();
    let before = snapshot(&conn);
    let migrator = Migrator::new(&EDITED);
    let err = migrator.run(&mut conn).unwrap_err();
    match &err {
        Error::ChecksumMismatch {
            version,
            recorded,
            current,
            ..
        } => {
            assert_eq!(
                (version.as_str(), recorded.as_str(), current.as_str()),
                ("0001", "sha256:1111", "sha256:1111-edited")
            );
        }
        e => panic!("unexpected {e}"),
    }
    let msg = err.to_string();
    for part in ["0001", "sha256:1111", "sha256:1111-edited"] {
        assert!(msg.contains(part), "{msg}");
    }
    assert_eq!(err.version(), Some("0001"));
    assert_eq!(snapshot(&conn), before);
    // Every changing operation validates first.
    assert!(matches!(
        migrator.rollback_to(&mut conn, 0).unwrap_err(),
        Error::ChecksumMismatch { .. }
    ));
    assert!(matches!(
        migrator.redo(&mut conn).unwrap_err(),
        Error::ChecksumMismatch { .. }
    ));
    assert!(matches!(
        migrator.run_to(&mut conn, 3).unwrap_err(),
        Error::ChecksumMismatch { .. }
    ));
    assert_eq!(snapshot(&conn), before);
}

#[test]
fn migration_missing_from_the_binary_names_the_stale_binary_fix() {
    let mut conn = memory();
    Migrator::new(&ALL).run(&mut conn).unwrap();
    let before = snapshot(&conn);
    let migrator = Migrator::new(&STALE);
    let err = migrator.run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::MissingMigration { version, name, .. } if version == "0003" && name == "add_email"),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains("stale"), "{msg}");
    assert!(msg.contains("build.rs"), "{msg}");
    assert!(
        msg.contains(r#"println!("cargo:rerun-if-changed=migrations");"#),
        "{msg}"
    );
    assert!(matches!(
        migrator.rollback_to(&mut conn, 1).unwrap_err(),
        Error::MissingMigration { .. }
    ));
    assert_eq!(snapshot(&conn), before);
}

#[test]
fn out_of_order_pending_migration_is_refused_unless_allowed() {
    let mut conn = memory();
    Migrator::new(&GAP).run(&mut conn).unwrap();
    let before = snapshot(&conn);
    let err = Migrator::new(&ALL).run(&mut conn).unwrap_err();
    match &err {
        Error::OutOfOrder {
            version,
            newest_applied,
            ..
        } => assert_eq!(
            (version.as_str(), newest_applied.as_str()),
            ("0002", "0003")
        ),
        e => panic!("unexpected {e}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("0002") && msg.contains("0003"), "{msg}");
    assert!(msg.contains("allow_out_of_order"), "{msg}");
    assert_eq!(snapshot(&conn), before);

    let report = Migrator::new(&ALL)
        .allow_out_of_order(true)
        .run(&mut conn)
        .unwrap();
    assert_eq!(report.versions(), ["0002"]);
    assert_eq!(runs(&conn), ["0001", "0003", "0002"]);
    assert_eq!(history(&conn), applied(&["0001", "0002", "0003"]));
}

#[test]
fn rollback_is_allowed_with_an_out_of_order_pending_migration() {
    let mut conn = memory();
    Migrator::new(&GAP).run(&mut conn).unwrap();
    // Rolling back past the gap is how one fixes the order.
    let migrator = Migrator::new(&ALL);
    assert_eq!(
        migrator.rollback_to(&mut conn, 1).unwrap().versions(),
        ["0003"]
    );
    assert_eq!(
        migrator.run(&mut conn).unwrap().versions(),
        ["0002", "0003"]
    );
}

#[test]
fn configuration_errors_are_reported_before_touching_the_database() {
    let mut conn = memory();
    match Migrator::new(&BAD_TABLE).run(&mut conn).unwrap_err() {
        Error::InvalidHistoryTable { table } => assert_eq!(table, "history; DROP TABLE x"),
        e => panic!("unexpected {e}"),
    }
    match Migrator::new(&POSTGRES).run(&mut conn).unwrap_err() {
        Error::DialectMismatch { expected, actual } => {
            assert_eq!((expected, actual), ("postgres", "sqlite"));
        }
        e => panic!("unexpected {e}"),
    }
    assert_eq!(tables(&conn), ["runs"]);
}

#[test]
fn schema_qualified_history_table() {
    let mut conn = memory();
    let migrator = Migrator::new(&QUALIFIED);
    assert_eq!(migrator.run(&mut conn).unwrap().versions(), ["0001"]);
    assert_eq!(tables(&conn), ["runs", "schema_versions", "users"]);
    assert_eq!(migrator.status(&mut conn).unwrap()[0].state, State::Applied);
}

// ---------- failures ----------

#[test]
fn failing_statement_in_a_transactional_migration_leaves_nothing_behind() {
    let mut conn = memory();
    let migrator = Migrator::new(&FAIL_TX);
    let err = migrator.run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}");
    };
    assert_eq!(failure.version, "0002");
    assert_eq!(failure.direction, Direction::Up);
    assert_eq!((failure.file, failure.line), (FAIL_FILE, 4));
    assert_eq!(failure.sql, "INSERT INTO nope VALUES (1)");
    assert_eq!((failure.index, failure.total), (2, 3));
    assert!(failure.transactional);
    assert!(failure.cause.message().contains("no such table: nope"));
    let msg = err.to_string();
    for part in [
        "0002",
        "migrations/0002_broken.sql:4",
        "INSERT INTO nope VALUES (1)",
        "no such table: nope",
        "rolled back",
    ] {
        assert!(msg.contains(part), "{part} not in {msg}");
    }
    // 0001 stays applied; nothing of 0002 remains: neither t2, nor its
    // side effect, nor a history row.
    assert_eq!(tables(&conn), ["migrate_history", "runs", "users"]);
    assert_eq!(runs(&conn), ["0001"]);
    assert_eq!(history(&conn), applied(&["0001"]));
    // Nothing is dirty: the next run tries 0002 again.
    assert!(matches!(
        migrator.run(&mut conn).unwrap_err(),
        Error::Statement(f) if f.version == "0002"
    ));
}

#[test]
fn failing_statement_in_a_non_transactional_section_leaves_a_dirty_row() {
    let mut conn = memory();
    let migrator = Migrator::new(&FAIL_NOTX);
    let err = migrator.run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}");
    };
    assert_eq!(
        (failure.version.as_str(), failure.index, failure.line),
        ("0002", 2, 5)
    );
    assert!(!failure.transactional);
    assert!(err.to_string().contains("dirty"), "{err}");
    // The two statements before the failing one took effect.
    assert_eq!(
        tables(&conn),
        ["a", "b", "migrate_history", "runs", "users"]
    );
    assert_eq!(
        history(&conn),
        [
            ("0001".into(), "applied".into(), 2),
            ("0002".into(), "dirty".into(), 2)
        ]
    );
    assert_eq!(
        migrator.status(&mut conn).unwrap()[1].state,
        State::Dirty {
            direction: Direction::Up,
            statements_done: 2
        }
    );

    // Every later operation refuses, naming the statement reached.
    let before = snapshot(&conn);
    for result in [
        migrator.run(&mut conn),
        migrator.rollback_to(&mut conn, 0),
        migrator.redo(&mut conn),
    ] {
        let err = result.unwrap_err();
        let Error::Dirty(dirty) = &err else {
            panic!("unexpected {err}");
        };
        assert_eq!((dirty.version.as_str(), dirty.statements_done), ("0002", 2));
        assert_eq!(dirty.statement, Some(("INSERT INTO nope VALUES (1)", 5)));
        let msg = err.to_string();
        for part in [
            "0002",
            "dirty",
            "after 2 of 4 statements",
            "migrations/0002_broken.sql:5",
            "INSERT INTO nope VALUES (1)",
            "Resolution::Applied",
            "Resolution::RolledBack",
        ] {
            assert!(msg.contains(part), "{part} not in {msg}");
        }
    }
    assert_eq!(snapshot(&conn), before);

    // Resolve: the effects were undone by hand, so it is pending again.
    assert!(matches!(
        migrator
            .resolve(&mut conn, 1, Resolution::RolledBack)
            .unwrap_err(),
        Error::NotDirty {
            state: "applied",
            ..
        }
    ));
    conn.execute_batch("DROP TABLE a; DROP TABLE b").unwrap();
    migrator
        .resolve(&mut conn, "0002", Resolution::RolledBack)
        .unwrap();
    assert_eq!(history(&conn), applied(&["0001"]));
    assert_eq!(migrator.status(&mut conn).unwrap()[1].state, State::Pending);

    // It fails the same way again; this time the rest is finished by hand.
    migrator.run(&mut conn).unwrap_err();
    conn.execute_batch("CREATE TABLE c (x)").unwrap();
    migrator.resolve(&mut conn, 2, Resolution::Applied).unwrap();
    assert_eq!(
        history(&conn),
        [
            ("0001".into(), "applied".into(), 2),
            ("0002".into(), "applied".into(), 4)
        ]
    );
    assert!(migrator.run(&mut conn).unwrap().steps.is_empty());
    // Its non-transactional down runs statement by statement and deletes the row.
    assert_eq!(
        migrator.rollback_to(&mut conn, 1).unwrap().versions(),
        ["0002"]
    );
    assert_eq!(tables(&conn), ["migrate_history", "runs", "users"]);
    assert_eq!(history(&conn), applied(&["0001"]));
}

#[test]
fn failing_non_transactional_down_is_recorded_as_dirty_down() {
    let mut conn = memory();
    let migrator = Migrator::new(&FAIL_NOTX_DOWN);
    migrator.run(&mut conn).unwrap();
    let err = migrator.rollback_to(&mut conn, 0).unwrap_err();
    assert!(
        matches!(&err, Error::Statement(f) if f.direction == Direction::Down && f.line == 6),
        "{err}"
    );
    assert_eq!(history(&conn), [("0001".into(), "dirty_down".into(), 1)]);
    assert_eq!(tables(&conn), ["migrate_history", "runs", "x"]);
    assert_eq!(
        migrator.status(&mut conn).unwrap()[0].state,
        State::Dirty {
            direction: Direction::Down,
            statements_done: 1
        }
    );
    let err = migrator.run(&mut conn).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::Dirty(d) if d.direction == Direction::Down),
        "{msg}"
    );
    assert!(msg.contains("down section"), "{msg}");
    assert!(
        msg.contains("migrations/0001_pair.sql:6: `DROP TABLE nope`"),
        "{msg}"
    );
}

#[test]
fn successful_non_transactional_sections_are_recorded_applied() {
    let mut conn = memory();
    let migrator = Migrator::new(&NOTX_OK);
    assert_eq!(migrator.run(&mut conn).unwrap().versions(), ["1"]);
    assert_eq!(history(&conn), applied(&["1"]));
    assert_eq!(runs(&conn), ["1"]);
    assert_eq!(
        migrator.rollback_to(&mut conn, 0).unwrap().versions(),
        ["1"]
    );
    assert!(history(&conn).is_empty());
    assert_eq!(runs(&conn), ["1", "-1"]);
    assert_eq!(tables(&conn), ["migrate_history", "runs"]);
}

// ---------- concurrency ----------

#[test]
fn concurrent_runners_apply_each_migration_exactly_once() {
    for round in 0..8 {
        let db = Arc::new(TempDb::new(&format!("concurrent{round}")));
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let db = Arc::clone(&db);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let mut conn = db.open();
                    barrier.wait();
                    Migrator::new(&MANY).run(&mut conn).map(|r| r.versions())
                })
            })
            .collect();
        let mut done: Vec<&str> = Vec::new();
        for handle in handles {
            done.extend(handle.join().unwrap().unwrap());
        }
        done.sort_by_key(|v| v.parse::<u32>().unwrap());
        let expected: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
        assert_eq!(
            strings(&done),
            expected,
            "each step reported by exactly one runner"
        );

        let conn = db.open();
        assert_eq!(
            runs(&conn),
            expected,
            "each migration executed exactly once, in order"
        );
        assert_eq!(history(&conn).len(), 12, "one history row per migration");
        assert!(
            history(&conn)
                .iter()
                .all(|(_, state, _)| state == "applied")
        );
    }
}

#[test]
fn a_file_database_keeps_its_history_across_connections() {
    let db = TempDb::new("reopen");
    Migrator::new(&ALL).run_to(&mut db.open(), 1).unwrap();
    let mut conn = db.open();
    assert_eq!(
        Migrator::new(&ALL).run(&mut conn).unwrap().versions(),
        ["0002", "0003"]
    );
    assert_eq!(runs(&conn), ["0001", "0002", "0003"]);
}

/// The `Backend` methods a test wrapper forwards unchanged to its SQLite
/// connection `self.conn`, all but `begin_exclusive` (and the lock, left at
/// its default: transaction scope), which each wrapper writes itself.
macro_rules! forward_to_conn {
    () => {
        fn dialect(&self) -> Dialect {
            Dialect::Sqlite
        }
        fn history_exists(
            &mut self,
            t: &migrate_runtime::HistoryTable,
        ) -> Result<bool, migrate_runtime::DbError> {
            self.conn.history_exists(t)
        }
        fn create_history(
            &mut self,
            t: &migrate_runtime::HistoryTable,
        ) -> Result<(), migrate_runtime::DbError> {
            self.conn.create_history(t)
        }
        fn read_history(
            &mut self,
            t: &migrate_runtime::HistoryTable,
        ) -> Result<Vec<migrate_runtime::HistoryRow>, migrate_runtime::DbError> {
            self.conn.read_history(t)
        }
        fn commit(&mut self) -> Result<(), migrate_runtime::DbError> {
            migrate_runtime::Backend::commit(&mut self.conn)
        }
        fn rollback(&mut self) -> Result<(), migrate_runtime::DbError> {
            migrate_runtime::Backend::rollback(&mut self.conn)
        }
        fn execute_sql(&mut self, sql: &str) -> Result<(), migrate_runtime::DbError> {
            self.conn.execute_sql(sql)
        }
        fn insert_row(
            &mut self,
            t: &migrate_runtime::HistoryTable,
            row: &migrate_runtime::HistoryRow,
        ) -> Result<(), migrate_runtime::DbError> {
            self.conn.insert_row(t, row)
        }
        fn update_row(
            &mut self,
            t: &migrate_runtime::HistoryTable,
            row: &migrate_runtime::HistoryRow,
        ) -> Result<(), migrate_runtime::DbError> {
            self.conn.update_row(t, row)
        }
        fn delete_row(
            &mut self,
            t: &migrate_runtime::HistoryTable,
            version: &str,
        ) -> Result<(), migrate_runtime::DbError> {
            self.conn.delete_row(t, version)
        }
    };
}

/// A connection that lets a second runner, on its own connection to the same
/// file, apply everything just before the first migration step starts: the
/// window between planning and locking.
struct Interleaved {
    conn: Connection,
    other: Option<Connection>,
}

impl migrate_runtime::Backend for Interleaved {
    forward_to_conn!();
    fn begin_exclusive(&mut self) -> Result<(), migrate_runtime::DbError> {
        if let Some(mut other) = self.other.take() {
            let done = Migrator::new(&ALL).run_to(&mut other, 2).unwrap();
            assert_eq!(done.versions(), ["0001", "0002"]);
        }
        self.conn.begin_exclusive()
    }
}

#[test]
fn runner_rereads_history_under_the_lock_and_skips_what_another_runner_applied() {
    let db = TempDb::new("interleaved");
    let mut conn = Interleaved {
        conn: db.open(),
        other: Some(db.open()),
    };
    // Planned 0001..0003; the other runner applied 0001 and 0002 meanwhile.
    let plan = Migrator::new(&ALL).plan(&mut conn, Action::Run).unwrap();
    assert_eq!(plan.steps.len(), 3);
    let report = Migrator::new(&ALL).run(&mut conn).unwrap();
    assert_eq!(report.versions(), ["0003"]);
    let check = db.open();
    assert_eq!(runs(&check), ["0001", "0002", "0003"]);
    assert_eq!(history(&check), applied(&["0001", "0002", "0003"]));
    assert!(conn.conn.is_autocommit(), "no transaction left open");
}

#[test]
fn a_runner_waiting_for_the_lock_file_times_out_naming_the_holder() {
    use migrate_runtime::{Backend, HistoryTable};
    use std::time::Duration;
    let db = TempDb::new("lockfile");
    let table = HistoryTable::parse("migrate_history").unwrap();
    let mut holder = db.open();
    assert_eq!(
        holder.lock(&table, Duration::ZERO).unwrap(),
        migrate_runtime::LockScope::Session
    );
    let mut conn = db.open();
    let err = Migrator::new(&ALL)
        .lock_wait(Duration::from_millis(200))
        .run(&mut conn)
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::LockTimeout { .. }), "{msg}");
    assert!(
        msg.contains(&format!("locked by process pid {}", std::process::id())),
        "{msg}"
    );
    assert!(msg.contains("-migrate-lock"), "{msg}");
    assert!(history(&conn).is_empty());
    holder.unlock(&table).unwrap();
    assert_eq!(Migrator::new(&ALL).run(&mut conn).unwrap().steps.len(), 3);
    // Everything applied: the start-up check reads the history without the
    // lock, so a runner holding it does not delay a starting service.
    holder.lock(&table, Duration::ZERO).unwrap();
    let quick = Migrator::new(&ALL).lock_wait(Duration::from_millis(200));
    assert!(quick.run(&mut conn).unwrap().steps.is_empty());
    holder.unlock(&table).unwrap();
}

// ---------- sections sent as one batch ----------

/// SQLite sending a transactional section as one batch that cannot say which
/// statement failed, as the PostgreSQL backend does, and recording how the
/// migrator asked for each statement.
struct Batching {
    conn: Connection,
    batches: usize,
    singles: Vec<&'static str>,
}

impl migrate_runtime::Backend for Batching {
    forward_to_conn!();
    fn begin_exclusive(&mut self) -> Result<(), migrate_runtime::DbError> {
        self.conn.begin_exclusive()
    }
    fn execute_statement(&mut self, s: &Statement) -> Result<(), migrate_runtime::DbError> {
        self.singles.push(s.sql);
        self.conn.execute_sql(s.sql)
    }
    fn execute_all(&mut self, all: &[Statement]) -> Result<(), migrate_runtime::BatchFailure> {
        self.batches += 1;
        let sql: Vec<&str> = all.iter().map(|s| s.sql).collect();
        self.conn
            .execute_sql(&sql.join(";\n"))
            .map_err(|cause| migrate_runtime::BatchFailure {
                statement: None,
                cause,
            })
    }
}

static BATCHED: Migrations = Migrations::new(
    &[
        mig(
            "1",
            &[1],
            "ok",
            section(
                &[
                    st(2, "CREATE TABLE a (x)"),
                    st(3, "INSERT INTO runs VALUES ('1')"),
                ],
                true,
                "migrations/1_ok.sql",
            ),
            None,
            "sha256:1",
        ),
        mig(
            "2",
            &[2],
            "broken",
            section(
                &[
                    st(2, "CREATE TABLE b (x)"),
                    st(3, "INSERT INTO runs VALUES ('2')"),
                    st(4, "INSERT INTO missing VALUES (1)"),
                    st(5, "CREATE TABLE c (x)"),
                ],
                true,
                "migrations/2_broken.sql",
            ),
            None,
            "sha256:2",
        ),
    ],
    Dialect::Sqlite,
    "migrate_history",
);

#[test]
fn a_batch_that_fails_without_naming_its_statement_is_run_again_one_by_one() {
    let mut conn = Batching {
        conn: memory(),
        batches: 0,
        singles: Vec::new(),
    };
    let err = Migrator::new(&BATCHED).run(&mut conn).unwrap_err();
    // Migration 1 went as one batch; migration 2's batch failed, was rolled
    // back and run again statement by statement up to the failing one.
    assert_eq!(conn.batches, 2);
    assert_eq!(
        conn.singles,
        [
            "CREATE TABLE b (x)",
            "INSERT INTO runs VALUES ('2')",
            "INSERT INTO missing VALUES (1)"
        ]
    );
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!(
        (failure.version.as_str(), failure.index, failure.line),
        ("2", 2, 4)
    );
    assert!(failure.transactional && !failure.left_dirty);
    assert!(err.to_string().contains("no such table: missing"), "{err}");
    assert_eq!(tables(&conn.conn), ["a", "migrate_history", "runs"]);
    assert_eq!(runs(&conn.conn), ["1"]);
    assert_eq!(history(&conn.conn), applied(&["1"]));
}
