//! Separate processes against real servers: 8 runners started at the same
//! moment on an empty database, and runners killed with SIGKILL at random
//! moments. PostgreSQL, MariaDB/MySQL and SQLite.
//!
//! The children are this test binary, re-run with `MIGRATE_TEST_CHILD` set
//! so that only `child_entry` runs: it applies a named set to
//! `MIGRATE_TEST_URL` and exits. Crash trials: `MIGRATE_CRASH_TRIALS`
//! (default 30 when `CI=true`, else 10) per backend.
#![cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{CHILD_ENV, Server, TestDb, mig, section, st};
use migrate_runtime::{Backend, Dialect, Error, HistoryTable, Migrations, Migrator, Resolution};

const URL_ENV: &str = "MIGRATE_TEST_URL";
const START_ENV: &str = "MIGRATE_TEST_START_AT";

// ---------- the sets ----------

/// Concurrent starts, PostgreSQL: a concurrent index build in a
/// non-transactional section while seven runners wait for the lock.
static CONC_PG: Migrations = Migrations::new(
    &[
        mig(
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
                        "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 50000) g",
                    ),
                    st(4, "INSERT INTO runs VALUES ('1')"),
                ],
                true,
                "migrations/1_items.sql",
            ),
            None,
            "sha256:c1",
        ),
        mig(
            "2",
            &[2],
            "indexes",
            section(
                &[
                    st(
                        3,
                        "CREATE INDEX CONCURRENTLY items_name_idx ON items (name)",
                    )
                    .concurrently(),
                    st(4, "INSERT INTO runs VALUES ('2a')"),
                    st(
                        5,
                        "CREATE UNIQUE INDEX CONCURRENTLY items_name_id_idx ON items (name, id)",
                    )
                    .concurrently(),
                    st(6, "INSERT INTO runs VALUES ('2b')"),
                ],
                false,
                "migrations/2_indexes.sql",
            ),
            None,
            "sha256:c2",
        ),
        mig(
            "3",
            &[3],
            "note",
            section(
                &[
                    st(2, "ALTER TABLE items ADD COLUMN note text"),
                    st(3, "INSERT INTO runs VALUES ('3')"),
                ],
                true,
                "migrations/3_note.sql",
            ),
            None,
            "sha256:c3",
        ),
        mig(
            "4",
            &[4],
            "pause",
            section(
                &[
                    st(3, "SELECT pg_sleep(0.1)"),
                    st(4, "INSERT INTO runs VALUES ('4')"),
                ],
                false,
                "migrations/4_pause.sql",
            ),
            None,
            "sha256:c4",
        ),
    ],
    Dialect::Postgres,
    "migrate_history",
);

static CONC_MY: Migrations = Migrations::new(
    &[
        mig(
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
                        "INSERT INTO items WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL \
                         SELECT n + 1 FROM s WHERE n < 1000) SELECT n, CONCAT('n', n) FROM s",
                    ),
                    st(4, "INSERT INTO runs VALUES ('1')"),
                ],
                true,
                "migrations/1_items.sql",
            ),
            None,
            "sha256:c1",
        ),
        mig(
            "2",
            &[2],
            "indexes",
            section(
                &[
                    st(
                        3,
                        "CREATE INDEX items_name_idx ON items (name) ALGORITHM=INPLACE LOCK=NONE",
                    ),
                    st(4, "INSERT INTO runs VALUES ('2a')"),
                ],
                false,
                "migrations/2_indexes.sql",
            ),
            None,
            "sha256:c2",
        ),
        mig(
            "3",
            &[3],
            "note",
            section(
                &[
                    st(2, "ALTER TABLE items ADD COLUMN note TEXT"),
                    st(3, "INSERT INTO runs VALUES ('3')"),
                ],
                true,
                "migrations/3_note.sql",
            ),
            None,
            "sha256:c3",
        ),
        mig(
            "4",
            &[4],
            "pause",
            section(
                &[
                    st(3, "DO SLEEP(0.1)"),
                    st(4, "INSERT INTO runs VALUES ('4')"),
                ],
                true,
                "migrations/4_pause.sql",
            ),
            None,
            "sha256:c4",
        ),
    ],
    Dialect::MySql,
    "migrate_history",
);

static CONC_LITE: Migrations = Migrations::new(
    &[
        mig(
            "1",
            &[1],
            "items",
            section(
                &[
                    st(
                        2,
                        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
                    ),
                    st(
                        3,
                        "INSERT INTO items WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL \
                         SELECT n + 1 FROM s WHERE n < 20000) SELECT n, 'n' || n FROM s",
                    ),
                    st(4, "INSERT INTO runs VALUES ('1')"),
                ],
                true,
                "migrations/1_items.sql",
            ),
            None,
            "sha256:c1",
        ),
        mig(
            "2",
            &[2],
            "indexes",
            section(
                &[
                    st(3, "CREATE INDEX items_name_idx ON items (name)"),
                    st(4, "INSERT INTO runs VALUES ('2a')"),
                ],
                false,
                "migrations/2_indexes.sql",
            ),
            None,
            "sha256:c2",
        ),
        mig(
            "3",
            &[3],
            "note",
            section(
                &[
                    st(2, "ALTER TABLE items ADD COLUMN note TEXT"),
                    st(3, "INSERT INTO runs VALUES ('3')"),
                ],
                true,
                "migrations/3_note.sql",
            ),
            None,
            "sha256:c3",
        ),
    ],
    Dialect::Sqlite,
    "migrate_history",
);

/// What a statement leaves behind, to check history against schema.
#[derive(Clone, Copy, Debug)]
enum Effect {
    Nothing,
    Marker(&'static str),
    Table(&'static str),
    Index(&'static str),
    Column(&'static str, &'static str),
}

use Effect::{Column, Index, Marker, Nothing, Table};

/// A crash set: migrations and, per migration, the effect of each up statement.
struct CrashSet {
    migrations: &'static Migrations,
    effects: &'static [&'static [Effect]],
}

static CRASH_EFFECTS: &[&[Effect]] = &[
    &[Table("c1"), Marker("1a"), Nothing, Marker("1b")],
    &[
        Marker("2a"),
        Nothing,
        Index("c1_x_idx"),
        Marker("2b"),
        Nothing,
        Marker("2c"),
    ],
    &[Column("c1", "y"), Marker("3a"), Nothing],
    &[
        Marker("4a"),
        Nothing,
        Table("c4"),
        Marker("4b"),
        Nothing,
        Marker("4c"),
    ],
    &[Marker("5a"), Nothing, Marker("5b")],
];

macro_rules! crash_set {
    ($name:ident, $dialect:expr, $sleep:expr, $cic:expr, $int:expr) => {
        static $name: Migrations = Migrations::new(
            &[
                mig(
                    "1",
                    &[1],
                    "c1",
                    section(
                        &[
                            st(2, concat!("CREATE TABLE c1 (x ", $int, ")")),
                            st(3, "INSERT INTO runs VALUES ('1a')"),
                            st(4, $sleep),
                            st(5, "INSERT INTO runs VALUES ('1b')"),
                        ],
                        true,
                        "migrations/1_c1.sql",
                    ),
                    None,
                    "sha256:1",
                ),
                mig(
                    "2",
                    &[2],
                    "index",
                    section(
                        &[
                            st(3, "INSERT INTO runs VALUES ('2a')"),
                            st(4, $sleep),
                            st(5, $cic),
                            st(6, "INSERT INTO runs VALUES ('2b')"),
                            st(7, $sleep),
                            st(8, "INSERT INTO runs VALUES ('2c')"),
                        ],
                        false,
                        "migrations/2_index.sql",
                    ),
                    None,
                    "sha256:2",
                ),
                mig(
                    "3",
                    &[3],
                    "column",
                    section(
                        &[
                            st(2, concat!("ALTER TABLE c1 ADD COLUMN y ", $int)),
                            st(3, "INSERT INTO runs VALUES ('3a')"),
                            st(4, $sleep),
                        ],
                        true,
                        "migrations/3_column.sql",
                    ),
                    None,
                    "sha256:3",
                ),
                mig(
                    "4",
                    &[4],
                    "c4",
                    section(
                        &[
                            st(3, "INSERT INTO runs VALUES ('4a')"),
                            st(4, $sleep),
                            st(5, concat!("CREATE TABLE c4 (x ", $int, ")")),
                            st(6, "INSERT INTO runs VALUES ('4b')"),
                            st(7, $sleep),
                            st(8, "INSERT INTO runs VALUES ('4c')"),
                        ],
                        false,
                        "migrations/4_c4.sql",
                    ),
                    None,
                    "sha256:4",
                ),
                mig(
                    "5",
                    &[5],
                    "last",
                    section(
                        &[
                            st(2, "INSERT INTO runs VALUES ('5a')"),
                            st(3, $sleep),
                            st(4, "INSERT INTO runs VALUES ('5b')"),
                        ],
                        true,
                        "migrations/5_last.sql",
                    ),
                    None,
                    "sha256:5",
                ),
            ],
            $dialect,
            "migrate_history",
        );
    };
}

crash_set!(
    CRASH_PG,
    Dialect::Postgres,
    "SELECT pg_sleep(0.02)",
    "CREATE INDEX CONCURRENTLY c1_x_idx ON c1 (x)",
    "integer"
);
crash_set!(
    CRASH_MY,
    Dialect::MySql,
    "DO SLEEP(0.02)",
    "CREATE INDEX c1_x_idx ON c1 (x) ALGORITHM=INPLACE LOCK=NONE",
    "INT"
);
crash_set!(
    CRASH_LITE,
    Dialect::Sqlite,
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) \
     SELECT count(*) FROM c",
    "CREATE INDEX c1_x_idx ON c1 (x)",
    "INTEGER"
);

fn set(name: &str) -> &'static Migrations {
    match name {
        "conc_pg" => &CONC_PG,
        "conc_my" => &CONC_MY,
        "conc_lite" => &CONC_LITE,
        "crash_pg" => &CRASH_PG,
        "crash_my" => &CRASH_MY,
        "crash_lite" => &CRASH_LITE,
        other => panic!("unknown set {other}"),
    }
}

// ---------- the child ----------

/// In a child process (`MIGRATE_TEST_CHILD=<set>`): connects, waits for the
/// start time, prints `ready`, runs, prints the versions it applied, exits.
/// In the normal test run it does nothing.
#[test]
fn child_entry() {
    let Ok(name) = std::env::var(CHILD_ENV) else {
        return;
    };
    let url = std::env::var(URL_ENV).unwrap();
    let mut conn = match migrate_runtime::connect(&url) {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("connect: {e}");
            std::process::exit(3);
        }
    };
    if let Some(at) = std::env::var(START_ENV)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        let now = common::now_ms();
        if at > now {
            std::thread::sleep(Duration::from_millis(at - now));
        }
    }
    let mut out = std::io::stdout();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    let result = Migrator::new(set(&name))
        .lock_wait(Duration::from_secs(60))
        .run(&mut conn);
    match result {
        Ok(report) => {
            writeln!(out, "applied {}", report.versions().join(",")).unwrap();
            out.flush().unwrap();
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("run: {e}");
            std::process::exit(1);
        }
    }
}

// ---------- concurrent starts ----------

fn concurrent_starts(server: Server, set_name: &str, expected_markers: &[&str]) {
    let Some(db) = TestDb::create(server, set_name) else {
        return;
    };
    let migrations = set(set_name);
    let start_at = common::now_ms() + 2000;
    let mut children: Vec<_> = (0..8)
        .map(|_| {
            common::spawn_child(
                "child_entry",
                &[
                    (CHILD_ENV, set_name.to_owned()),
                    (URL_ENV, db.url().to_owned()),
                    (START_ENV, start_at.to_string()),
                ],
            )
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut applied: Vec<String> = Vec::new();
    for child in &mut children {
        let status = common::wait_until(child, deadline);
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let stderr = common::stderr_of(child);
        assert!(
            status.is_some_and(|s| s.success()),
            "{}: a runner failed or hung ({status:?}): {stdout}\n{stderr}",
            server.name()
        );
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("applied "))
            .unwrap_or_else(|| panic!("no report in {stdout}"));
        applied.extend(line.split(',').filter(|v| !v.is_empty()).map(str::to_owned));
    }
    let elapsed_after_start = common::now_ms().saturating_sub(start_at);
    eprintln!(
        "{}: 8 runners done {elapsed_after_start} ms after their common start",
        server.name()
    );
    applied.sort();
    let all: Vec<String> = migrations
        .migrations()
        .iter()
        .map(|m| m.version.text.to_owned())
        .collect();
    assert_eq!(
        applied, all,
        "each migration reported by exactly one runner"
    );
    assert_eq!(
        db.markers(),
        expected_markers,
        "each migration ran exactly once"
    );
    assert!(db.history().iter().all(|(_, state, _)| state == "applied"));
    assert_eq!(db.history().len(), all.len());
    assert!(db.index_exists("items_name_idx"));
}

#[test]
#[cfg(feature = "postgres")]
fn concurrent_starts_postgres() {
    concurrent_starts(Server::Postgres, "conc_pg", &["1", "2a", "2b", "3", "4"]);
    // (The concurrent builds completed: no invalid index is left.)
}

#[test]
#[cfg(feature = "mysql")]
fn concurrent_starts_mysql() {
    concurrent_starts(Server::MySql, "conc_my", &["1", "2a", "3", "4"]);
}

#[test]
#[cfg(feature = "sqlite")]
fn concurrent_starts_sqlite() {
    concurrent_starts(Server::Sqlite, "conc_lite", &["1", "2a", "3"]);
}

// ---------- crashes ----------

fn trials() -> usize {
    std::env::var("MIGRATE_CRASH_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if common::in_ci() { 30 } else { 10 })
}

/// How many times the effect of a statement is present.
fn effect_count(db: &TestDb, effect: Effect) -> Option<i64> {
    Some(match effect {
        Nothing => return None,
        Marker(m) => db.count(&format!("SELECT COUNT(*) FROM runs WHERE marker = '{m}'")),
        Table(t) => i64::from(db.table_exists(t)),
        Index(i) => i64::from(db.index_exists(i)),
        Column(t, c) => i64::from(db.table_exists(t) && db.column_exists(t, c)),
    })
}

/// Undoes a statement's effect by hand, as an operator would.
fn undo(db: &TestDb, effect: Effect) {
    match effect {
        Nothing => {}
        Marker(m) => db.exec(&format!("DELETE FROM runs WHERE marker = '{m}'")),
        Table(t) => db.exec(&format!("DROP TABLE {t}")),
        Index(i) => match db.server {
            Server::MySql => db.exec(&format!("DROP INDEX {i} ON c1")),
            _ => db.exec(&format!("DROP INDEX {i}")),
        },
        Column(t, c) => db.exec(&format!("ALTER TABLE {t} DROP COLUMN {c}")),
    }
}

/// Every effect of the set, `(migration index, statement index, count)`.
fn effects(db: &TestDb, crash: &CrashSet) -> Vec<(usize, usize, i64)> {
    let mut out = Vec::new();
    for (m, list) in crash.effects.iter().enumerate() {
        for (s, effect) in list.iter().enumerate() {
            if let Some(n) = effect_count(db, *effect) {
                out.push((m, s, n));
            }
        }
    }
    out
}

/// History and schema agree: applied migrations have every effect once,
/// pending ones none, a dirty one the effects of its done statements, maybe
/// the one reached, none after. Returns the dirty `(migration, done)`.
fn check_agreement(db: &TestDb, crash: &CrashSet, context: &str) -> Option<(usize, usize)> {
    let history = db.history();
    let state_of = |m: usize| {
        let version = crash.migrations.migrations()[m].version.text;
        history
            .iter()
            .find(|(v, _, _)| v == version)
            .map(|(_, s, d)| (s.clone(), *d as usize))
    };
    let mut dirty = None;
    for (m, s, n) in effects(db, crash) {
        assert!(
            n <= 1,
            "{context}: statement {s} of migration {m} took effect {n} times"
        );
        let expected: &[i64] = match state_of(m) {
            Some((state, _)) if state == "applied" => &[1],
            None => &[0],
            Some((_, done)) => {
                dirty = Some((m, done));
                match s.cmp(&done) {
                    std::cmp::Ordering::Less => &[1],
                    std::cmp::Ordering::Equal => &[0, 1],
                    std::cmp::Ordering::Greater => &[0],
                }
            }
        };
        assert!(
            expected.contains(&n),
            "{context}: migration {m} statement {s} has effect {n}, history {history:?}"
        );
    }
    let states: Vec<_> = (0..crash.effects.len()).map(state_of).collect();
    // Applied ones form a prefix, then at most one dirty, then nothing.
    let first_not_applied = states
        .iter()
        .position(|s| !matches!(s, Some((st, _)) if st == "applied"))
        .unwrap_or(states.len());
    assert!(
        states[first_not_applied..]
            .iter()
            .skip(1)
            .all(Option::is_none),
        "{context}: history {history:?}"
    );
    dirty
}

fn crash_trials(server: Server, set_name: &str, crash: CrashSet) {
    let n = trials();
    let table = HistoryTable::parse("migrate_history").unwrap();
    let mut full_run = Duration::from_millis(500);
    let (mut completed, mut killed_clean, mut dirty_resumed) = (0, 0, 0);
    let started = Instant::now();
    for trial in 0..=n {
        let Some(db) = TestDb::create(server, &format!("crash{trial}")) else {
            return;
        };
        let context = format!("{} trial {trial}", server.name());
        let mut child = common::spawn_child(
            "child_entry",
            &[
                (CHILD_ENV, set_name.to_owned()),
                (URL_ENV, db.url().to_owned()),
            ],
        );
        let lines = common::lines(&mut child);
        // (The test harness prints its own lines first.)
        let ready = std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(30)).ok())
            .any(|line| line.ends_with("ready"));
        assert!(ready, "{context}: {}", common::stderr_of(&mut child));
        let t0 = Instant::now();
        if trial == 0 {
            // Calibration: a full run, to know when to kill.
            let status = common::wait_until(&mut child, Instant::now() + Duration::from_secs(60));
            assert!(
                status.is_some_and(|s| s.success()),
                "{context}: {}",
                common::stderr_of(&mut child)
            );
            full_run = t0.elapsed();
        } else {
            let delay = common::random_below(full_run.as_micros() as u64 * 11 / 10);
            std::thread::sleep(Duration::from_micros(delay));
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }

        // Once the lock is free (the server may still be finishing the
        // killed runner's statement), history and schema agree.
        let mut conn = db.connect();
        conn.lock(&table, Duration::from_secs(60)).unwrap();
        let dirty = check_agreement(&db, &crash, &context);
        conn.unlock(&table).unwrap();

        // A plain rerun completes, or refuses with the resolve message.
        let migrator = Migrator::new(crash.migrations).lock_wait(Duration::from_secs(60));
        match migrator.run(&mut conn) {
            Ok(_) => {
                assert!(dirty.is_none(), "{context}: ran over a dirty row");
                if trial > 0 {
                    if db.history().is_empty() {
                        killed_clean += 1;
                    } else {
                        completed += 1;
                    }
                }
            }
            Err(Error::Dirty(d)) => {
                let msg = d.to_string();
                assert!(msg.contains("Resolution::Resume"), "{context}: {msg}");
                let (m, done) = dirty.expect("a dirty error without a dirty row");
                assert_eq!(d.statements_done as usize, done, "{context}");
                assert_eq!(d.version, crash.migrations.migrations()[m].version.text);
                let section = &crash.migrations.migrations()[m].up;
                if let Some(reached) = section.statements.get(done) {
                    assert_eq!(d.statement, Some((reached.sql, reached.line)), "{context}");
                    // The operator checks the statement reached and undoes it if it ran.
                    let effect = crash.effects[m][done];
                    if effect_count(&db, effect) == Some(1) {
                        undo(&db, effect);
                    }
                }
                migrator
                    .resolve(&mut conn, d.version.as_str(), Resolution::Resume)
                    .unwrap_or_else(|e| panic!("{context}: resume: {e}"));
                migrator.run(&mut conn).unwrap();
                dirty_resumed += 1;
            }
            Err(e) => panic!("{context}: {e}"),
        }
        // In the end, everything ran exactly once.
        for (m, s, n) in effects(&db, &crash) {
            assert_eq!(n, 1, "{context}: migration {m} statement {s}");
        }
        assert!(db.history().iter().all(|(_, state, _)| state == "applied"));
        drop(conn);
    }
    eprintln!(
        "{}: {n} SIGKILL trials in {:?} (full run {full_run:?}): {dirty_resumed} left dirty \
         and resumed, {completed} partly or fully applied and completed by the rerun, \
         {killed_clean} killed before anything ran",
        server.name(),
        started.elapsed()
    );
}

#[test]
#[cfg(all(unix, feature = "postgres"))]
fn crashes_postgres() {
    crash_trials(
        Server::Postgres,
        "crash_pg",
        CrashSet {
            migrations: &CRASH_PG,
            effects: CRASH_EFFECTS,
        },
    );
}

#[test]
#[cfg(all(unix, feature = "mysql"))]
fn crashes_mysql() {
    crash_trials(
        Server::MySql,
        "crash_my",
        CrashSet {
            migrations: &CRASH_MY,
            effects: CRASH_EFFECTS,
        },
    );
}

#[test]
#[cfg(all(unix, feature = "sqlite"))]
fn crashes_sqlite() {
    crash_trials(
        Server::Sqlite,
        "crash_lite",
        CrashSet {
            migrations: &CRASH_LITE,
            effects: CRASH_EFFECTS,
        },
    );
}
