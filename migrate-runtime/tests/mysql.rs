//! The migrator against a real MariaDB/MySQL server, each test in a database
//! of its own. Skipped (with a message) when the server is unreachable,
//! unless `CI=true`. Concurrent starts and crashes are in `processes.rs`.
//!
//! MySQL DDL commits implicitly, so every section is tracked statement by
//! statement: a failure after a statement took effect leaves a dirty row.
#![cfg(feature = "mysql")]

mod common;

use std::time::{Duration, Instant};

use common::{Server, TestDb, mig, section, st};
use migrate_runtime::{
    Backend, DatabaseUrl, Dialect, Direction, Error, HistoryTable, Migration, Migrations, Migrator,
    MySqlBackend, Resolution, State,
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
                "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL)",
            ),
            st(
                3,
                "INSERT INTO items WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s \
                 WHERE n < 300) SELECT n, CONCAT('n', n) FROM s",
            ),
            st(4, "INSERT INTO runs VALUES ('1')"),
        ],
        true,
        F1,
    ),
    Some(section(&[st(6, "DROP TABLE items")], true, F1)),
    "sha256:1",
);
const M2: Migration = mig(
    "2",
    &[2],
    "index",
    section(
        &[
            st(
                3,
                "CREATE INDEX items_name_idx ON items (name) ALGORITHM=INPLACE LOCK=NONE",
            ),
            st(4, "INSERT INTO runs VALUES ('2')"),
        ],
        false,
        F2,
    ),
    Some(section(
        &[st(6, "DROP INDEX items_name_idx ON items")],
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
            st(2, "ALTER TABLE items ADD COLUMN note TEXT"),
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

static ALL: Migrations = Migrations::new(&[M1, M2, M3], Dialect::MySql, "migrate_history");
static FIRST_TWO: Migrations = Migrations::new(&[M1, M2], Dialect::MySql, "migrate_history");
static EDITED: Migrations = Migrations::new(
    &[
        Migration {
            checksum: "sha256:1-edited",
            ..M1
        },
        M2,
        M3,
    ],
    Dialect::MySql,
    "migrate_history",
);
static GAP: Migrations = Migrations::new(&[M1, M3], Dialect::MySql, "migrate_history");
static BAD_TABLE: Migrations = Migrations::new(&[M1], Dialect::MySql, "history`; DROP TABLE x");

const FAIL_FILE: &str = "migrations/2_broken.sql";
/// The first statement fails: nothing of the migration remains.
static FAIL_FIRST: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(
                &[
                    st(
                        2,
                        "INSERT INTO items VALUES (1000, 'x'), (1, 'duplicate key')",
                    ),
                    st(3, "CREATE TABLE extra (x INT)"),
                ],
                true,
                FAIL_FILE,
            ),
            None,
            "sha256:bad",
        ),
    ],
    Dialect::MySql,
    "migrate_history",
);

const BROKEN_UP: [migrate_runtime::Statement; 4] = [
    st(2, "CREATE TABLE extra (x INT)"),
    st(3, "INSERT INTO runs VALUES ('2a')"),
    st(4, "INSERT INTO missing VALUES (1)"),
    st(5, "INSERT INTO runs VALUES ('2b')"),
];
const BROKEN_DOWN: &[migrate_runtime::Statement] = &[
    st(
        8,
        "DELETE FROM runs WHERE marker IN ('2a', '2b', '2-fixed')",
    ),
    st(9, "DROP TABLE extra"),
];
static FAIL_MID: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(&BROKEN_UP, true, FAIL_FILE),
            Some(section(BROKEN_DOWN, true, FAIL_FILE)),
            "sha256:bad",
        ),
    ],
    Dialect::MySql,
    "migrate_history",
);
static FIXED_MID: Migrations = Migrations::new(
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
                    st(4, "INSERT INTO runs VALUES ('2-fixed')"),
                    BROKEN_UP[3],
                ],
                true,
                FAIL_FILE,
            ),
            Some(section(BROKEN_DOWN, true, FAIL_FILE)),
            "sha256:fixed",
        ),
    ],
    Dialect::MySql,
    "migrate_history",
);
static EDITED_MID: Migrations = Migrations::new(
    &[
        M1,
        mig(
            "2",
            &[2],
            "broken",
            section(
                &[
                    st(2, "CREATE TABLE extra (x INT, y INT)"),
                    BROKEN_UP[1],
                    st(4, "INSERT INTO runs VALUES ('2-fixed')"),
                    BROKEN_UP[3],
                ],
                true,
                FAIL_FILE,
            ),
            Some(section(BROKEN_DOWN, true, FAIL_FILE)),
            "sha256:edited",
        ),
    ],
    Dialect::MySql,
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
                    st(2, "ALTER TABLE items ADD COLUMN flag TINYINT"),
                    st(3, "INSERT INTO runs VALUES ('2')"),
                ],
                true,
                "migrations/2_alter.sql",
            ),
            None,
            "sha256:alter",
        ),
    ],
    Dialect::MySql,
    "migrate_history",
);

fn db(label: &str) -> Option<TestDb> {
    TestDb::create(Server::MySql, label)
}

fn applied(versions: &[(&str, u32)]) -> Vec<(String, String, u32)> {
    versions
        .iter()
        .map(|(v, n)| (v.to_string(), "applied".to_string(), *n))
        .collect()
}

fn snapshot(db: &TestDb) -> common::Snapshot {
    (
        db.markers(),
        db.history(),
        db.strings(
            "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
        ),
    )
}

#[test]
fn applies_every_section_statement_by_statement() {
    let Some(db) = db("apply") else { return };
    let mut conn = db.connect();
    let migrator = Migrator::new(&ALL);
    assert_eq!(migrator.run(&mut conn).unwrap().versions(), ["1", "2", "3"]);
    assert_eq!(db.markers(), ["1", "2", "3"]);
    assert_eq!(db.history(), applied(&[("1", 3), ("2", 2), ("3", 2)]));
    assert!(db.index_exists("items_name_idx"));
    assert!(db.column_exists("items", "note"));
    let status = migrator.status(&mut conn).unwrap();
    assert!(status.iter().all(|s| s.state == State::Applied));
    let at = status[0].applied_at.as_deref().unwrap();
    assert!(at.len() == 20 && at.ends_with('Z'), "{at}");
    assert!(migrator.run(&mut conn).unwrap().steps.is_empty());
    assert_eq!(
        migrator.rollback_to(&mut conn, 0).unwrap().versions(),
        ["3", "2", "1"]
    );
    assert!(db.history().is_empty());
    assert!(!db.table_exists("items"));
}

#[test]
fn a_failing_first_statement_leaves_nothing() {
    let Some(db) = db("failfirst") else { return };
    let mut conn = db.connect();
    let err = Migrator::new(&FAIL_FIRST).run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!((failure.version.as_str(), failure.index), ("2", 0));
    assert!(!failure.left_dirty);
    assert_eq!(failure.cause.code(), Some("MySQL 1062 (23000)"));
    let msg = err.to_string();
    for part in [
        "statement 1 of 2 at migrations/2_broken.sql:2",
        "Duplicate entry",
        "[MySQL 1062 (23000)]",
        "none of the section's statements took effect",
    ] {
        assert!(msg.contains(part), "{part} not in {msg}");
    }
    assert_eq!(db.count("SELECT COUNT(*) FROM items WHERE id = 1000"), 0);
    assert!(!db.table_exists("extra"));
    assert_eq!(db.history(), applied(&[("1", 3)]));
}

#[test]
fn a_failure_after_ddl_leaves_a_dirty_row_and_each_resolution_works() {
    let Some(db) = db("failmid") else { return };
    let mut conn = db.connect();
    let migrator = Migrator::new(&FAIL_MID);
    let err = migrator.run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!((failure.index, failure.line), (2, 4));
    assert!(failure.left_dirty);
    assert_eq!(failure.cause.code(), Some("MySQL 1146 (42S02)"));
    assert!(db.table_exists("extra"));
    assert_eq!(db.markers(), ["1", "2a"]);
    assert_eq!(
        db.history(),
        [
            ("1".into(), "applied".into(), 3),
            ("2".into(), "dirty".into(), 2)
        ]
    );
    let before = snapshot(&db);
    for result in [migrator.run(&mut conn), migrator.redo(&mut conn)] {
        let err = result.unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(&err, Error::Dirty(d) if d.statements_done == 2),
            "{msg}"
        );
        for part in [
            "statement 3 at migrations/2_broken.sql:4: `INSERT INTO missing VALUES (1)`",
            "DDL on MySQL commits on its own",
            "Resolution::Resume",
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

    let err = Migrator::new(&EDITED_MID)
        .resolve(&mut conn, 2, Resolution::Resume)
        .unwrap_err();
    assert!(
        matches!(&err, Error::ResumeChanged { index: 0, .. }),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);

    let report = Migrator::new(&FIXED_MID)
        .resolve(&mut conn, 2, Resolution::Resume)
        .unwrap();
    assert_eq!(report.versions(), ["2"]);
    assert_eq!(db.markers(), ["1", "2-fixed", "2a", "2b"]);
    assert_eq!(db.history(), applied(&[("1", 3), ("2", 4)]));

    // RolledBack after undoing by hand.
    Migrator::new(&FIXED_MID).rollback_to(&mut conn, 1).unwrap();
    migrator.run(&mut conn).unwrap_err();
    db.exec("DROP TABLE extra");
    db.exec("DELETE FROM runs WHERE marker = '2a'");
    migrator
        .resolve(&mut conn, 2, Resolution::RolledBack)
        .unwrap();
    assert_eq!(db.history(), applied(&[("1", 3)]));

    // Applied after finishing by hand.
    migrator.run(&mut conn).unwrap_err();
    db.exec("INSERT INTO runs VALUES ('2b')");
    migrator.resolve(&mut conn, 2, Resolution::Applied).unwrap();
    assert_eq!(db.history(), applied(&[("1", 3), ("2", 4)]));
    assert!(migrator.run(&mut conn).unwrap().steps.is_empty());
}

#[test]
fn checksum_drift_missing_and_out_of_order_change_nothing() {
    let Some(db) = db("validate") else { return };
    let mut conn = db.connect();
    Migrator::new(&GAP).run(&mut conn).unwrap();
    let before = snapshot(&db);
    let err = Migrator::new(&ALL).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::OutOfOrder { version, .. } if version == "2"),
        "{err}"
    );
    let err = Migrator::new(&FIRST_TWO).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::MissingMigration { version, .. } if version == "3"),
        "{err}"
    );
    let err = Migrator::new(&EDITED).run(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { version, .. } if version == "1"),
        "{err}"
    );
    let err = Migrator::new(&BAD_TABLE).run(&mut conn).unwrap_err();
    assert!(matches!(&err, Error::InvalidHistoryTable { .. }), "{err}");
    assert_eq!(snapshot(&db), before);
}

#[test]
fn a_runner_waiting_for_the_lock_times_out_naming_the_holder() {
    let Some(db) = db("holder") else { return };
    let table = HistoryTable::parse("migrate_history").unwrap();
    let mut holder = MySqlBackend::connect(db.url()).unwrap();
    holder.lock(&table, Duration::ZERO).unwrap();
    let id = holder.conn().connection_id();
    let mut conn = db.connect();
    let started = Instant::now();
    let err = Migrator::new(&ALL)
        .lock_wait(Duration::from_secs(1))
        .run(&mut conn)
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(900));
    let msg = err.to_string();
    assert!(matches!(err, Error::LockTimeout { .. }), "{msg}");
    for part in [
        format!("connection {id}"),
        format!("KILL {id}"),
        format!("migrate/{}/migrate_history", db.name),
    ] {
        assert!(msg.contains(&part), "{part} not in {msg}");
    }
    assert!(db.history().is_empty());
    // A lock in another database does not interfere.
    let Some(other) = TestDb::create(Server::MySql, "holder2") else {
        return;
    };
    Migrator::new(&ALL)
        .lock_wait(Duration::ZERO)
        .run(&mut other.connect())
        .unwrap();
    holder.unlock(&table).unwrap();
    assert_eq!(
        Migrator::new(&ALL).run(&mut conn).unwrap().versions(),
        ["1", "2", "3"]
    );
    // Everything applied: the start-up check reads the history without the
    // lock, so a runner holding it does not delay a starting service.
    // (Waiting for it would end in a lock timeout, an error.)
    holder.lock(&table, Duration::ZERO).unwrap();
    let quick = Migrator::new(&ALL).lock_wait(Duration::from_millis(200));
    assert!(quick.run(&mut conn).unwrap().steps.is_empty());
    holder.unlock(&table).unwrap();
}

#[test]
fn ddl_waiting_for_a_metadata_lock_times_out_and_is_retried() {
    let Some(db) = db("mdl") else { return };
    let mut conn = db.connect();
    Migrator::new(&ALTER_ITEMS).run_to(&mut conn, 1).unwrap();
    // An open transaction that read `items` holds its metadata lock.
    let mut blocker = MySqlBackend::connect(db.url()).unwrap();
    blocker.execute_sql("START TRANSACTION").unwrap();
    blocker.execute_sql("SELECT * FROM items LIMIT 1").unwrap();
    let migrator = Migrator::new(&ALTER_ITEMS)
        .lock_timeout(Some(Duration::from_secs(1)))
        .lock_retries(1)
        .retry_backoff(Duration::from_millis(50));
    let err = migrator.run(&mut conn).unwrap_err();
    let Error::Statement(failure) = &err else {
        panic!("unexpected {err}")
    };
    assert_eq!(failure.cause.code(), Some("MySQL 1205 (HY000)"));
    assert_eq!(failure.retries, 1);
    // It never got its lock: the history is as before, the next run starts afresh.
    assert!(!failure.left_dirty, "{err}");
    assert_eq!(db.history(), applied(&[("1", 3)]));
    assert!(!db.column_exists("items", "flag"));

    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        blocker.execute_sql("COMMIT").unwrap();
    });
    let report = Migrator::new(&ALTER_ITEMS)
        .lock_timeout(Some(Duration::from_secs(1)))
        .lock_retries(5)
        .retry_backoff(Duration::from_millis(50))
        .run(&mut conn)
        .unwrap();
    release.join().unwrap();
    assert_eq!(report.versions(), ["2"]);
    assert!(db.column_exists("items", "flag"));
    assert_eq!(db.markers(), ["1", "2"]);
}

#[test]
fn passwords_never_appear_in_errors_or_debug_output() {
    let Some(db) = db("secret") else { return };
    const SECRET: &str = "Sup3r-Secret_pw";
    let base = common::mysql_base();
    let with_password = match base.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) => {
                format!(
                    "{scheme}://{}:{SECRET}@{host}",
                    user.split(':').next().unwrap()
                )
            }
            None => format!("{scheme}://root:{SECRET}@{rest}"),
        },
        None => panic!("bad base {base}"),
    };
    let failing = [
        format!("{with_password}/{}", db.name),
        format!("mysql://root:{SECRET}@127.0.0.1:1/{}", db.name),
        format!("mysql://root:{SECRET}@127.0.0.1:port/x"),
        format!("mysql://root:{SECRET}@127.0.0.1/x?nope={SECRET}"),
        format!(
            "mysql://root:{}@127.0.0.1/x?nope=1",
            SECRET.replace('-', "%2D")
        ),
    ];
    for url in &failing {
        let err = migrate_runtime::connect(url).unwrap_err();
        assert!(
            matches!(err, Error::Connect { .. } | Error::InvalidUrl { .. }),
            "{err}"
        );
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(SECRET), "{url} → {shown}");
            assert!(!shown.contains("Secret"), "{url} → {shown}");
        }
    }
    let parsed: DatabaseUrl = failing[0].parse().unwrap();
    assert!(!format!("{parsed:?} {parsed}").contains(SECRET));
    let conn = db.connect();
    assert!(!format!("{conn:?}").contains(&db.name));
}

/// A history table in another database (`schema.table`) is found, created and
/// read there, and only there.
#[test]
fn a_qualified_history_table_lives_in_the_named_database() {
    let (Some(db), Some(other)) = (db("qualified"), db("qualified_other")) else {
        return;
    };
    let name: &'static str = Box::leak(format!("{}.migrate_history", other.name).into_boxed_str());
    let table = HistoryTable::parse(name).unwrap();
    let mut conn = MySqlBackend::connect(db.url()).unwrap();
    assert!(!conn.history_exists(&table).unwrap());
    conn.create_history(&table).unwrap();
    assert!(conn.history_exists(&table).unwrap());
    let mut rows = 0;
    conn.scan_checksums(&table, &mut |_| rows += 1).unwrap();
    assert_eq!(rows, 0);
    // Not in the connection's own database.
    let own = HistoryTable::parse("migrate_history").unwrap();
    assert!(!conn.history_exists(&own).unwrap());
    assert!(other.table_exists("migrate_history"));
}
