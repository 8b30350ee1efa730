//! The migrator against a real PostgreSQL server, each test in a database of
//! its own. Skipped (with a message) when the server is unreachable, unless
//! `CI=true`. Concurrent starts and crashes are in `processes.rs`.
#![cfg(feature = "postgres")]

mod common;

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use common::{Server, TestDb, mig, section, st};
use migrate_runtime::{
    AnyBackend, Backend, DatabaseUrl, DbError, Dialect, Direction, Error, HistoryRow, HistoryTable,
    HistoryWrite, LockScope, Migration, Migrations, Migrator, PgBackend, Resolution, State,
};

const F1: &str = "migrations/1_items.sql";
const F2: &str = "migrations/2_index.sql";
const F3: &str = "migrations/3_note.sql";

const M1: Migration = mig(
    "1",
    &[1],
    "items",
    section(
        &[
            st(
                2,
                "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)",
            ),
            st(
                3,
                "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 500) g",
            ),
            st(4, "INSERT INTO runs VALUES ('1')"),
        ],
        true,
        F1,
    ),
    Some(section(&[st(6, "DROP TABLE items")], true, F1)),
    "sha256:1",
);
/// Two concurrent index builds in one non-transactional section: sent as one
/// string, PostgreSQL would run them in an implicit transaction and refuse.
const M2: Migration = mig(
    "2",
    &[2],
    "index",
    section(
        &[
            st(
                3,
                "CREATE INDEX CONCURRENTLY items_name_idx ON items (name)",
            )
            .concurrently(),
            st(4, "INSERT INTO runs VALUES ('2')"),
            st(
                5,
                "CREATE UNIQUE INDEX CONCURRENTLY items_id_name_idx ON items (id, name)",
            )
            .concurrently(),
        ],
        false,
        F2,
    ),
    Some(section(
        &[
            st(8, "DROP INDEX CONCURRENTLY items_id_name_idx").concurrently(),
            st(9, "DROP INDEX CONCURRENTLY items_name_idx").concurrently(),
        ],
        false,
        F2,
    )),
    "sha256:2",
);
const M3: Migration = mig(
    "3",
    &[3],
    "note",
    section(
        &[
            st(2, "ALTER TABLE items ADD COLUMN note text"),
            st(3, "INSERT INTO runs VALUES ('3')"),
        ],
        true,
        F3,
    ),
    Some(section(
        &[st(5, "ALTER TABLE items DROP COLUMN note")],
        true,
        F3,
    )),
    "sha256:3",
);

static ALL: Migrations = Migrations::new(&[M1, M2, M3], Dialect::Postgres, "migrate_history");
static FIRST_TWO: Migrations = Migrations::new(&[M1, M2], Dialect::Postgres, "migrate_history");
static EDITED: Migrations = Migrations::new(
    &[
        Migration {
            checksum: "sha256:1-edited",
            ..M1
        },
        M2,
        M3,
    ],
    Dialect::Postgres,
    "migrate_history",
);
static GAP: Migrations = Migrations::new(&[M1, M3], Dialect::Postgres, "migrate_history");
static QUALIFIED: Migrations = Migrations::new(&[M1], Dialect::Postgres, "ops.schema_history");
static BAD_TABLE: Migrations =
    Migrations::new(&[M1], Dialect::Postgres, "history\"; DROP TABLE items; --");

const FAIL_FILE: &str = "migrations/2_broken.sql";
static FAIL_TX: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(
                &[
                    st(2, "CREATE TABLE extra (x int)"),
                    st(3, "INSERT INTO runs VALUES ('2')"),
                    st(4, "INSERT INTO missing VALUES (1)"),
                ],
                true,
                FAIL_FILE,
            ),
            Some(section(&[st(6, "DROP TABLE extra")], true, FAIL_FILE)),
            "sha256:bad",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);

const BROKEN_UP: [migrate_runtime::Statement; 4] = [
    st(
        3,
        "CREATE INDEX CONCURRENTLY items_name_idx ON items (name)",
    )
    .concurrently(),
    st(4, "INSERT INTO runs VALUES ('2a')"),
    st(5, "INSERT INTO missing VALUES (1)"),
    st(6, "INSERT INTO runs VALUES ('2b')"),
];
const BROKEN_DOWN: &[migrate_runtime::Statement] = &[
    st(
        9,
        "DELETE FROM runs WHERE marker IN ('2a', '2b', '2-fixed')",
    ),
    st(10, "DROP INDEX CONCURRENTLY items_name_idx").concurrently(),
];
static FAIL_NOTX: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(&BROKEN_UP, false, FAIL_FILE),
            Some(section(BROKEN_DOWN, false, FAIL_FILE)),
            "sha256:bad",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);
/// The broken statement fixed; the ones before it unchanged.
static FIXED_NOTX: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(
                &[
                    BROKEN_UP[0],
                    BROKEN_UP[1],
                    st(5, "INSERT INTO runs VALUES ('2-fixed')"),
                    BROKEN_UP[3],
                ],
                false,
                FAIL_FILE,
            ),
            Some(section(BROKEN_DOWN, false, FAIL_FILE)),
            "sha256:fixed",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);
/// A statement that already ran was edited: resume must refuse.
static EDITED_NOTX: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(
                &[
                    BROKEN_UP[0],
                    st(4, "INSERT INTO runs VALUES ('2a-edited')"),
                    st(5, "INSERT INTO runs VALUES ('2-fixed')"),
                    BROKEN_UP[3],
                ],
                false,
                FAIL_FILE,
            ),
            Some(section(BROKEN_DOWN, false, FAIL_FILE)),
            "sha256:edited",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);

static ALTER_ITEMS: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "alter",
            section(
                &[
                    st(2, "ALTER TABLE items ADD COLUMN flag boolean"),
                    st(3, "INSERT INTO runs VALUES ('2')"),
                ],
                true,
                "migrations/2_alter.sql",
            ),
            None,
            "sha256:alter",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);

fn db(label: &str) -> Option<TestDb> {
    TestDb::create(Server::Postgres, label)
}

fn applied(versions: &[&str]) -> Vec<(String, String, u32)> {
    let counts = [("1", 3), ("2", 3), ("3", 2)];
    versions
        .iter()
        .map(|v| {
            let n = counts.iter().find(|(c, _)| c == v).map_or(0, |(_, n)| *n);
            (v.to_string(), "applied".to_string(), n)
        })
        .collect()
}

/// A setting of the session, as `SHOW` prints it.
fn show(pg: &mut PgBackend, setting: &str) -> String {
    pg.client()
        .query_one(&format!("SHOW {setting}"), &[])
        .unwrap()
        .get(0)
}

/// Everything a failed or refused operation must leave unchanged.
fn snapshot(db: &TestDb) -> common::Snapshot {
    (
        db.markers(),
        db.history(),
        db.strings(
            "SELECT table_name::text || '.' || column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' ORDER BY 1",
        ),
    )
}

#[test]
fn applies_concurrent_index_builds_statement_by_statement() {
    let Some(db) = db("apply") else { return };
    let mut conn = db.connect();
    let migrator = Migrator::new(&ALL);
    let report = migrator.run(&mut conn).unwrap();
    assert_eq!(report.versions(), ["1", "2", "3"]);
    assert_eq!(db.markers(), ["1", "2", "3"]);
    assert_eq!(db.history(), applied(&["1", "2", "3"]));
    assert_eq!(
        db.count(
            "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname IN ('items_name_idx', 'items_id_name_idx') AND i.indisvalid"
        ),
        2
    );
    assert!(db.column_exists("items", "note"));
    // applied_at is a real timestamp, read back as UTC RFC 3339.
    let status = migrator.status(&mut conn).unwrap();
    assert!(status.iter().all(|s| s.state == State::Applied));
    let at = status[0].applied_at.as_deref().unwrap();
    assert!(
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at}"
    );
    assert!(migrator.run(&mut conn).unwrap().steps.is_empty());

    // Non-transactional downs run statement by statement too.
    assert_eq!(
        migrator.rollback_to(&mut conn, 0).unwrap().versions(),
        ["3", "2", "1"]
    );
    assert!(db.history().is_empty());
    assert!(!db.table_exists("items"));
    assert!(!db.index_exists("items_name_idx"));
}

#[test]
fn lock_is_released_after_success_and_failure() {
    let Some(db) = db("release") else { return };
    let table = HistoryTable::parse("migrate_history").unwrap();
    let mut conn = db.connect();
    Migrator::new(&ALL).run(&mut conn).unwrap();
    let _ = Migrator::new(&EDITED).run(&mut conn).unwrap_err();
    let _ = Migrator::new(&FAIL_TX).run(&mut conn).unwrap_err();
    // Another session can take it immediately.
    let mut other = db.connect();
    other.lock(&table, Duration::ZERO).unwrap();
    other.unlock(&table).unwrap();
    assert_eq!(
        db.strings(
            "SELECT pid::text FROM pg_locks WHERE locktype = 'advisory' AND database = \
             (SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        Vec::<String>::new()
    );
}

/// The PostgreSQL backend sends a transactional migration and its history
/// change as one message, the row's values inlined as literals.
#[test]
fn a_transactional_migration_commits_with_its_history_row_in_one_message() {
    let Some(db) = db("onemsg") else { return };
    let mut conn = db.connect();
    let table = HistoryTable::parse("migrate_history").unwrap();
    conn.create_history(&table).unwrap();
    let row = HistoryRow {
        version: "7".into(),
        name: r"it's a \ name -- not a comment".into(),
        checksum: "sha256:7".into(),
        applied_at: "2026-11-25T12:00:00Z".into(),
        duration_ms: 0,
        state: migrate_runtime::RowState::Applied,
        statements_done: 2,
        statement_checksums: String::new(),
    };
    let statements = [
        st(1, "CREATE TABLE once (id int) -- a trailing comment"),
        st(2, "SELECT pg_sleep(0.05)"),
    ];
    conn.run_transaction(&table, &statements, HistoryWrite::Insert(&row))
        .unwrap();
    assert!(db.table_exists("once"));
    let read = conn.read_history(&table).unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(
        (read[0].name.as_str(), read[0].state),
        (row.name.as_str(), row.state)
    );
    assert_eq!(read[0].applied_at, row.applied_at);
    assert!(
        read[0].duration_ms >= 50,
        "measured by the server: {:?}",
        read[0]
    );

    // A failure: nothing of it remains, no transaction is left open.
    let failing = [
        st(1, "CREATE TABLE twice (id int)"),
        st(2, "INSERT INTO missing VALUES (1)"),
    ];
    let row8 = HistoryRow {
        version: "8".into(),
        ..row.clone()
    };
    let failure = conn
        .run_transaction(&table, &failing, HistoryWrite::Insert(&row8))
        .unwrap_err();
    assert_eq!(failure.statement, None, "a batch cannot name its statement");
    assert_eq!(failure.cause.code(), Some("SQLSTATE 42P01"));
    assert!(!db.table_exists("twice"));
    assert_eq!(conn.read_history(&table).unwrap().len(), 1);

    // A history write that fails (the version exists) undoes the statements.
    let duplicate = [st(1, "CREATE TABLE thrice (id int)")];
    assert!(
        conn.run_transaction(&table, &duplicate, HistoryWrite::Insert(&row))
            .is_err()
    );
    assert!(!db.table_exists("thrice"));

    let down = [st(1, "DROP TABLE once")];
    conn.run_transaction(&table, &down, HistoryWrite::Delete("7"))
        .unwrap();
    assert!(!db.table_exists("once"));
    assert!(conn.read_history(&table).unwrap().is_empty());
}

#[test]
fn failing_statement_in_a_transactional_migration_leaves_nothing() {
    let Some(db) = db("failtx") else { return };
    let mut conn = db.connect();
    let err = Migrator::new(&FAIL_TX).run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!(
        (failure.version.as_str(), failure.index, failure.line),
        ("2", 2, 4)
    );
    assert!(failure.transactional && !failure.left_dirty);
    assert_eq!(failure.cause.code(), Some("SQLSTATE 42P01"));
    let msg = err.to_string();
    for part in [
        "migration 2 (broken) failed",
        "statement 3 of 3 at migrations/2_broken.sql:4",
        "`INSERT INTO missing VALUES (1)`",
        "relation \"missing\" does not exist",
        "[SQLSTATE 42P01]",
        "rolled back",
    ] {
        assert!(msg.contains(part), "{part} not in {msg}");
    }
    assert!(!db.table_exists("extra"));
    assert_eq!(db.markers(), ["1"]);
    assert_eq!(db.history(), applied(&["1"]));
}

#[test]
fn failing_statement_in_a_non_transactional_section_and_each_resolution() {
    let Some(db) = db("failnotx") else { return };
    let mut conn = db.connect();
    let migrator = Migrator::new(&FAIL_NOTX);
    let err = migrator.run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!((failure.index, failure.line), (2, 5));
    assert!(!failure.transactional && failure.left_dirty);
    assert!(err.to_string().contains("Resolution::Resume"), "{err}");
    assert_eq!(db.markers(), ["1", "2a"]);
    assert!(db.index_exists("items_name_idx"));
    assert_eq!(
        db.history(),
        [
            ("1".into(), "applied".into(), 3),
            ("2".into(), "dirty".into(), 2)
        ]
    );

    // Every later run refuses with an actionable message, changing nothing.
    let before = snapshot(&db);
    assert!(matches!(
        Migrator::new(&ALL).run(&mut conn),
        Err(Error::Dirty(_))
    ));
    for result in [migrator.run(&mut conn), migrator.rollback_to(&mut conn, 0)] {
        let err = result.unwrap_err();
        let Error::Dirty(dirty) = &err else {
            panic!("unexpected {err}")
        };
        assert_eq!((dirty.version.as_str(), dirty.statements_done), ("2", 2));
        let msg = err.to_string();
        for part in [
            "migration 2 (broken) is dirty",
            "after 2 of 4 statements",
            "statement 3 at migrations/2_broken.sql:5: `INSERT INTO missing VALUES (1)`",
            "Check in the database",
            "Resolution::Resume",
            "Resolution::Applied",
            "Resolution::RolledBack",
        ] {
            assert!(msg.contains(part), "{part} not in {msg}");
        }
    }
    assert_eq!(snapshot(&db), before);
    assert_eq!(
        migrator.status(&mut conn).unwrap()[1].state,
        State::Dirty {
            direction: Direction::Up,
            statements_done: 2
        }
    );

    // Resume after a statement that ran was edited: refused, nothing runs.
    let err = Migrator::new(&EDITED_NOTX)
        .resolve(&mut conn, 2, Resolution::Resume)
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::ResumeChanged {
                index: 1,
                line: 4,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("statement 2 at migrations/2_broken.sql:4"),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);

    // Resume with the same binary: the statement fails again, still dirty at 2.
    let err = migrator
        .resolve(&mut conn, 2, Resolution::Resume)
        .unwrap_err();
    assert!(matches!(&err, Error::Statement(f) if f.index == 2), "{err}");
    assert_eq!(snapshot(&db), before);

    // Resume with the failing statement fixed: continues after the 2 done.
    let report = Migrator::new(&FIXED_NOTX)
        .resolve(&mut conn, "2", Resolution::Resume)
        .unwrap();
    assert_eq!(report.versions(), ["2"]);
    assert_eq!(db.markers(), ["1", "2-fixed", "2a", "2b"]);
    assert_eq!(
        db.history(),
        [
            ("1".into(), "applied".into(), 3),
            ("2".into(), "applied".into(), 4)
        ]
    );
    // The row now carries the fixed binary's checksum: it validates.
    assert!(
        Migrator::new(&FIXED_NOTX)
            .run(&mut conn)
            .unwrap()
            .steps
            .is_empty()
    );
    assert!(matches!(
        Migrator::new(&FIXED_NOTX).resolve(&mut conn, 2, Resolution::Resume),
        Err(Error::NotDirty {
            state: "applied",
            ..
        })
    ));

    // RolledBack: undone by hand, then applied again from the start.
    Migrator::new(&FIXED_NOTX)
        .rollback_to(&mut conn, 1)
        .unwrap();
    assert_eq!(db.markers(), ["1"]);
    migrator.run(&mut conn).unwrap_err();
    db.exec("DROP INDEX items_name_idx");
    db.exec("DELETE FROM runs WHERE marker = '2a'");
    migrator
        .resolve(&mut conn, 2, Resolution::RolledBack)
        .unwrap();
    assert_eq!(db.history(), applied(&["1"]));
    assert_eq!(migrator.status(&mut conn).unwrap()[1].state, State::Pending);

    // Applied: the rest finished by hand.
    migrator.run(&mut conn).unwrap_err();
    db.exec("INSERT INTO runs VALUES ('2b')");
    migrator.resolve(&mut conn, 2, Resolution::Applied).unwrap();
    assert_eq!(
        db.history(),
        [
            ("1".into(), "applied".into(), 3),
            ("2".into(), "applied".into(), 4)
        ]
    );
    assert!(migrator.run(&mut conn).unwrap().steps.is_empty());
    assert!(matches!(
        migrator.resolve(&mut conn, 3, Resolution::Applied),
        Err(Error::NotDirty {
            state: "not applied",
            ..
        })
    ));
}

#[test]
fn checksum_drift_missing_and_out_of_order_change_nothing() {
    let Some(db) = db("validate") else { return };
    let mut conn = db.connect();
    Migrator::new(&GAP).run(&mut conn).unwrap(); // 1 and 3
    let before = snapshot(&db);

    let err = Migrator::new(&ALL).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::OutOfOrder { version, newest_applied, .. }
            if version == "2" && newest_applied == "3"),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);

    let err = Migrator::new(&FIRST_TWO).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::MissingMigration { version, .. } if version == "3"),
        "{err}"
    );
    assert!(err.to_string().contains("stale"), "{err}");
    assert_eq!(snapshot(&db), before);

    let err = Migrator::new(&EDITED).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { version, .. } if version == "1"),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);

    // Allowed explicitly, the older pending one runs.
    let report = Migrator::new(&ALL)
        .allow_out_of_order(true)
        .run(&mut conn)
        .unwrap();
    assert_eq!(report.versions(), ["2"]);
}

#[test]
fn the_start_up_check_of_an_applied_history_reads_it_without_the_lock() {
    let Some(db) = db("startup") else { return };
    let mut conn = db.connect();
    let table = HistoryTable::parse("migrate_history").unwrap();
    Migrator::new(&ALL).run(&mut conn).unwrap();

    // All applied: a runner holding the lock does not delay the check.
    let mut holder = db.connect();
    holder.lock(&table, Duration::ZERO).unwrap();
    let quick = Migrator::new(&ALL).lock_wait(Duration::from_secs(5));
    let started = Instant::now();
    assert!(quick.run(&mut conn).unwrap().steps.is_empty());
    assert!(started.elapsed() < Duration::from_secs(2));
    // Anything else takes the full path, which waits for the lock: an older
    // binary (a row it does not know) …
    let err = Migrator::new(&FIRST_TWO)
        .lock_wait(Duration::from_millis(100))
        .run(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    // … a dirty row, a changed checksum.
    db.exec("UPDATE migrate_history SET state = 'dirty' WHERE version = '2'");
    let err = quick
        .lock_wait(Duration::from_millis(100))
        .run(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    holder.unlock(&table).unwrap();
    assert!(matches!(
        Migrator::new(&ALL).run(&mut conn),
        Err(Error::Dirty(_))
    ));
    db.exec("UPDATE migrate_history SET state = 'applied' WHERE version = '2'");
    db.exec("UPDATE migrate_history SET checksum = 'sha256:x' WHERE version = '1'");
    let err = Migrator::new(&ALL).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { version, .. } if version == "1"),
        "{err}"
    );
}

#[test]
fn history_table_name_is_validated_and_may_be_qualified() {
    let Some(db) = db("table") else { return };
    let mut conn = db.connect();
    let err = Migrator::new(&BAD_TABLE).run(&mut conn).unwrap_err();
    assert!(matches!(err, Error::InvalidHistoryTable { .. }), "{err}");
    assert!(db.table_exists("runs"));
    assert!(!db.table_exists("items"));

    Migrator::new(&QUALIFIED).run(&mut conn).unwrap();
    assert_eq!(
        db.count("SELECT count(*) FROM ops.schema_history WHERE state = 'applied'"),
        1
    );
    assert!(!db.table_exists("migrate_history"));
}

#[test]
fn a_runner_waiting_for_the_lock_times_out_naming_the_holder() {
    let Some(db) = db("holder") else { return };
    let table = HistoryTable::parse("migrate_history").unwrap();
    let mut holder =
        migrate_runtime::connect(&format!("{}?application_name=deploy-42", db.url())).unwrap();
    holder.lock(&table, Duration::ZERO).unwrap();
    let mut conn = db.connect();
    let started = Instant::now();
    let err = Migrator::new(&ALL)
        .lock_wait(Duration::from_millis(400))
        .run(&mut conn)
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(started.elapsed() < Duration::from_secs(5));
    let Error::LockTimeout { holder: who, .. } = &err else {
        panic!("unexpected {err}")
    };
    let pid = db.strings("SELECT pid FROM pg_stat_activity WHERE application_name = 'deploy-42'");
    let msg = err.to_string();
    for part in [
        format!("pid {}", pid[0]),
        "application `deploy-42`".to_owned(),
        "pg_try_advisory_lock".to_owned(), // the holder's last query
        format!("pg_terminate_backend({})", pid[0]),
        "Migrator::lock_wait".to_owned(),
    ] {
        assert!(msg.contains(&part), "{part} not in {msg}");
    }
    assert!(who.contains("deploy-42"));
    assert!(db.history().is_empty(), "nothing ran");
    holder.unlock(&table).unwrap();
    assert_eq!(
        Migrator::new(&ALL).run(&mut conn).unwrap().versions(),
        ["1", "2", "3"]
    );
}

#[test]
fn a_migration_waiting_behind_a_long_transaction_times_out_and_is_retried() {
    let Some(db) = db("locktimeout") else { return };
    let mut conn = db.connect();
    Migrator::new(&ALTER_ITEMS).run_to(&mut conn, 1).unwrap();

    // A long transaction holds a lock that the ALTER must wait for.
    let mut blocker = PgBackend::connect(db.url()).unwrap();
    blocker
        .client()
        .batch_execute("BEGIN; LOCK TABLE items IN ACCESS SHARE MODE")
        .unwrap();
    let migrator = Migrator::new(&ALTER_ITEMS)
        .lock_timeout(Some(Duration::from_millis(100)))
        .lock_retries(2)
        .retry_backoff(Duration::from_millis(50));
    let started = Instant::now();
    let err = migrator.run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!(failure.cause.code(), Some("SQLSTATE 55P03"));
    assert!(failure.cause.is_lock_timeout());
    assert_eq!(failure.retries, 2);
    assert!(err.to_string().contains("retried 2 time(s)"), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(!db.column_exists("items", "flag"));
    assert_eq!(db.history(), applied(&["1"]));

    // Released during the retries: the migration goes through.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(250));
        blocker.client().batch_execute("COMMIT").unwrap();
    });
    let report = Migrator::new(&ALTER_ITEMS)
        .lock_timeout(Some(Duration::from_millis(100)))
        .lock_retries(10)
        .retry_backoff(Duration::from_millis(50))
        .run(&mut conn)
        .unwrap();
    release.join().unwrap();
    assert_eq!(report.versions(), ["2"]);
    assert!(db.column_exists("items", "flag"));
    assert_eq!(db.markers(), ["1", "2"]);
}

#[test]
fn concurrent_index_builds_wait_without_the_lock_timeout() {
    let Some(db) = db("cicwait") else { return };
    let mut conn = db.connect();
    Migrator::new(&ALL).run_to(&mut conn, 1).unwrap();
    // SHARE UPDATE EXCLUSIVE conflicts with CREATE INDEX CONCURRENTLY.
    let mut blocker = PgBackend::connect(db.url()).unwrap();
    blocker
        .client()
        .batch_execute("BEGIN; LOCK TABLE items IN SHARE UPDATE EXCLUSIVE MODE")
        .unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        blocker.client().batch_execute("COMMIT").unwrap();
    });
    // With a 100 ms lock timeout and no retries, only the exemption lets it pass.
    let report = Migrator::new(&FIRST_TWO)
        .lock_timeout(Some(Duration::from_millis(100)))
        .lock_retries(0)
        .run(&mut conn)
        .unwrap();
    release.join().unwrap();
    assert_eq!(report.versions(), ["2"]);
    assert!(report.steps[0].duration >= Duration::from_millis(500));
    assert_eq!(
        db.count("SELECT count(*) FROM pg_index WHERE NOT indisvalid"),
        0
    );
    // The session's lock_timeout is back for the next migration.
    let AnyBackend::Postgres(pg) = &mut conn else {
        unreachable!()
    };
    assert_eq!(show(pg, "lock_timeout"), "0");
    Migrator::new(&ALL)
        .lock_timeout(Some(Duration::from_millis(100)))
        .run(&mut conn)
        .unwrap();
    let AnyBackend::Postgres(pg) = &mut conn else {
        unreachable!()
    };
    assert_eq!(show(pg, "lock_timeout"), "100ms");
}

#[test]
fn passwords_never_appear_in_errors_or_debug_output() {
    let Some(db) = db("secret") else { return };
    const SECRET: &str = "Sup3r-Secret_pw";
    let base = common::postgres_base();
    // The base URL with the secret as the password (trust authentication ignores it).
    let (scheme, rest) = base.split_once("://").unwrap();
    let with_password = match rest.split_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap();
            format!("{scheme}://{user}:{SECRET}@{host}")
        }
        None => format!("{scheme}://postgres:{SECRET}@{rest}"),
    };
    assert!(with_password.contains(SECRET), "{with_password}");

    // Trust authentication accepts it: the connection's Debug form has no secret.
    let url = format!("{with_password}/{}", db.name);
    let conn = migrate_runtime::connect(&url).unwrap();
    let debug = format!("{conn:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    let parsed: DatabaseUrl = url.parse().unwrap();
    for shown in [format!("{parsed:?}"), parsed.to_string()] {
        assert!(!shown.contains(SECRET) && shown.contains("***"), "{shown}");
    }

    // Errors: a closed port, an unknown database, a malformed URL, a bad option.
    let failing = [
        format!("postgres://postgres:{SECRET}@127.0.0.1:1/{}", db.name),
        format!("{with_password}/no_such_database_{}", db.name),
        format!("postgres://postgres:{SECRET}@127.0.0.1:notaport/x"),
        format!("{with_password}/x?bogus_option={SECRET}"),
        format!("postgresql://postgres:{SECRET}@[::1/x"),
        format!("{with_password}/x?password={SECRET}&sslmode=require"),
    ];
    for url in &failing {
        let err = migrate_runtime::connect(url).unwrap_err();
        assert!(
            matches!(err, Error::Connect { .. } | Error::InvalidUrl { .. }),
            "{err}"
        );
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(SECRET), "{url} → {shown}");
        }
        let err = PgBackend::connect(url).unwrap_err();
        assert!(!format!("{err} {err:?}").contains(SECRET));
    }
}

#[test]
fn status_and_plan_do_not_create_the_history_table() {
    let Some(db) = db("readonly") else { return };
    let mut conn = db.connect();
    let migrator = Migrator::new(&ALL);
    let status = migrator.status(&mut conn).unwrap();
    assert!(status.iter().all(|s| s.state == State::Pending));
    let plan = migrator
        .plan(&mut conn, migrate_runtime::Action::Run)
        .unwrap();
    assert_eq!(plan.steps.len(), 3);
    assert!(!db.table_exists("migrate_history"));
    assert!(plan.to_string().contains("without a transaction"));
}

/// A backend that panics when asked to run one given statement.
struct Panicky {
    inner: AnyBackend,
    on: &'static str,
}

impl Backend for Panicky {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }
    fn lock(&mut self, table: &HistoryTable, wait: Duration) -> Result<LockScope, DbError> {
        self.inner.lock(table, wait)
    }
    fn unlock(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        self.inner.unlock(table)
    }
    fn set_lock_timeout(&mut self, timeout: Option<Duration>) -> Result<(), DbError> {
        self.inner.set_lock_timeout(timeout)
    }
    fn history_exists(&mut self, table: &HistoryTable) -> Result<bool, DbError> {
        self.inner.history_exists(table)
    }
    fn create_history(&mut self, table: &HistoryTable) -> Result<(), DbError> {
        self.inner.create_history(table)
    }
    fn read_history(&mut self, table: &HistoryTable) -> Result<Vec<HistoryRow>, DbError> {
        self.inner.read_history(table)
    }
    fn begin_exclusive(&mut self) -> Result<(), DbError> {
        self.inner.begin_exclusive()
    }
    fn commit(&mut self) -> Result<(), DbError> {
        self.inner.commit()
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        self.inner.rollback()
    }
    fn execute_sql(&mut self, sql: &str) -> Result<(), DbError> {
        assert_ne!(sql, self.on, "injected panic");
        self.inner.execute_sql(sql)
    }
    fn insert_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        self.inner.insert_row(table, row)
    }
    fn update_row(&mut self, table: &HistoryTable, row: &HistoryRow) -> Result<(), DbError> {
        self.inner.update_row(table, row)
    }
    fn delete_row(&mut self, table: &HistoryTable, version: &str) -> Result<(), DbError> {
        self.inner.delete_row(table, version)
    }
}

#[test]
fn the_lock_is_released_and_the_transaction_rolled_back_when_the_runner_panics() {
    let Some(db) = db("panic") else { return };
    let table = HistoryTable::parse("migrate_history").unwrap();
    let mut conn = Panicky {
        inner: db.connect(),
        on: "INSERT INTO runs VALUES ('3')",
    };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| Migrator::new(&ALL).run(&mut conn)));
    assert!(result.is_err(), "the panic propagates");
    // Migration 3 was in its transaction: rolled back; the lock is free.
    assert_eq!(db.history(), applied(&["1", "2"]));
    assert!(!db.column_exists("items", "note"));
    let mut other = db.connect();
    other.lock(&table, Duration::ZERO).unwrap();
    other.unlock(&table).unwrap();
    // The same connection is usable again.
    assert_eq!(
        Migrator::new(&ALL).run(&mut conn.inner).unwrap().versions(),
        ["3"]
    );
}

/// What each statement sees as its session's `synchronous_commit`.
const SEEN: &str = "migrations/1_seen.sql";
static COMMIT_MODES: Migrations = Migrations::new(
    &[
        mig(
            "1",
            &[1],
            "seen",
            section(
                &[
                    st(2, "CREATE TABLE seen (n serial, setting text)"),
                    st(
                        3,
                        "INSERT INTO seen (setting) VALUES (current_setting('synchronous_commit'))",
                    ),
                ],
                true,
                SEEN,
            ),
            Some(section(&[st(5, "DROP TABLE seen")], true, SEEN)),
            "sha256:1",
        ),
        mig(
            "2",
            &[2],
            "outside",
            section(
                &[
                    st(
                        2,
                        "INSERT INTO seen (setting) VALUES (current_setting('synchronous_commit'))",
                    ),
                    st(
                        3,
                        "CREATE INDEX CONCURRENTLY seen_setting_idx ON seen (setting)",
                    )
                    .concurrently(),
                    st(
                        4,
                        "INSERT INTO seen (setting) VALUES (current_setting('synchronous_commit'))",
                    ),
                ],
                false,
                SEEN,
            ),
            Some(section(
                &[st(6, "DROP INDEX CONCURRENTLY seen_setting_idx").concurrently()],
                false,
                SEEN,
            )),
            "sha256:2",
        ),
        mig(
            "3",
            &[3],
            "inside",
            section(
                &[st(
                    2,
                    "INSERT INTO seen (setting) VALUES (current_setting('synchronous_commit'))",
                )],
                true,
                SEEN,
            ),
            Some(section(
                &[st(4, "DELETE FROM seen WHERE n = 4")],
                true,
                SEEN,
            )),
            "sha256:3",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);

/// A section run statement by statement commits without waiting for each WAL
/// flush (a concurrent build commits three times); every transactional
/// migration, and the write that records a section applied, keep the
/// session's own setting, which is as it was after the run.
#[test]
fn statements_outside_a_transaction_defer_their_flush_and_the_session_setting_comes_back() {
    let Some(db) = db("commitmode") else { return };
    let mut pg = PgBackend::connect(db.url()).unwrap();
    pg.client()
        .batch_execute("SET synchronous_commit = remote_write")
        .unwrap();
    let report = Migrator::new(&COMMIT_MODES).run(&mut pg).unwrap();
    assert_eq!(report.versions(), ["1", "2", "3"]);
    assert_eq!(
        db.strings("SELECT setting FROM seen ORDER BY n"),
        ["remote_write", "off", "off", "remote_write"]
    );
    assert_eq!(
        db.history(),
        [
            ("1".into(), "applied".into(), 2),
            ("2".into(), "applied".into(), 3),
            ("3".into(), "applied".into(), 1),
        ]
    );
    assert_eq!(show(&mut pg, "synchronous_commit"), "remote_write");

    // The same going down, and after a statement of such a section failed.
    Migrator::new(&COMMIT_MODES)
        .rollback_to(&mut pg, 1)
        .unwrap();
    assert!(!db.index_exists("seen_setting_idx"));
    db.exec("CREATE INDEX seen_setting_idx ON seen (n)");
    let err = Migrator::new(&COMMIT_MODES).run(&mut pg).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(db.history()[1], ("2".into(), "dirty".into(), 1));
    assert_eq!(show(&mut pg, "synchronous_commit"), "remote_write");
}
