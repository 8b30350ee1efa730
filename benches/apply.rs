//! Applying a generated migration corpus through the `Migrator` against the
//! same statements executed raw through the same driver (one transaction per
//! transactional migration, statement by statement otherwise), per backend;
//! and the start-up cost when everything is already applied.
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo bench -p migrate-runtime --all-features --bench apply
//! ```
//!
//! Settings (environment):
//! - `MIGRATE_BENCH_GEN`: `gen_corpus.py` (default `../shared/bench/gen_corpus.py`
//!   beside the workspace); the corpus is generated into the target directory.
//! - `MIGRATE_BENCH_COUNT`: migrations per corpus (default 1000).
//! - `MIGRATE_BENCH_BACKENDS`: `sqlite,postgres,mysql` (default all three).
//! - `MIGRATE_BENCH_RUNS`: apply runs per backend, the median is reported (default 3).
//! - `MIGRATE_TEST_POSTGRES`, `MIGRATE_TEST_MYSQL`: servers, as for the tests.
//! - `MIGRATE_BENCH_STRIP_CONCURRENTLY`: build PostgreSQL indexes without
//!   `CONCURRENTLY` (as the sqlx figure in `../shared/bench` was taken); the
//!   sections stay non-transactional.
//! - `MIGRATE_BENCH_PHASES`: also print the start-up check's phases.
//!
//! The corpus is split into statements by `migrate-check` (a dev-dependency:
//! the runtime itself never parses SQL), exactly as `embed_migrations!`
//! would embed it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use migrate_runtime::mysql::prelude::Queryable;
use migrate_runtime::{
    AnyBackend, Dialect, Migration, Migrations, Migrator, Section, Statement, Version,
};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Generates (once) and embeds a corpus, as the macro would.
fn corpus(dialect: Dialect, count: usize) -> &'static Migrations {
    let name = dialect.name();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("corpus-{name}-{count}"));
    if !dir.join("done").exists() {
        let default_gen = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/bench/gen_corpus.py")
            .to_string_lossy()
            .into_owned();
        let generator = env("MIGRATE_BENCH_GEN", &default_gen);
        let _ = std::fs::remove_dir_all(&dir);
        let status = std::process::Command::new("python3")
            .arg(&generator)
            .args(["--dialect", name, "--count", &count.to_string(), "--out"])
            .arg(&dir)
            .status()
            .unwrap_or_else(|e| panic!("running {generator}: {e}"));
        assert!(status.success(), "{generator} failed");
        std::fs::write(dir.join("done"), "").unwrap();
    }
    let config = migrate_check::Config {
        dialect: match dialect {
            Dialect::Postgres => migrate_check::Dialect::Postgres,
            Dialect::MySql => migrate_check::Dialect::MySql,
            Dialect::Sqlite => migrate_check::Dialect::Sqlite,
        },
        ..migrate_check::Config::default()
    };
    let report = migrate_check::check_dir(&dir, "corpus", config).unwrap();
    let strip = std::env::var("MIGRATE_BENCH_STRIP_CONCURRENTLY").is_ok();
    let section = |s: &migrate_check::Section| Section {
        statements: Box::leak(
            s.statements
                .iter()
                .map(|st| {
                    let mut sql = report.statement_text(s, st).to_owned();
                    if strip {
                        // As the sqlx figure was taken: plain index builds.
                        sql = sql.replace(" CONCURRENTLY", "");
                    }
                    Statement {
                        sql: leak(sql),
                        line: st.line,
                        concurrent: st.concurrent && !strip,
                    }
                })
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        ),
        transactional: s.transactional,
        file: leak(report.files[s.file].path.clone()),
    };
    let migrations: Vec<Migration> = report
        .migrations
        .iter()
        .map(|m| Migration {
            version: Version::new(
                leak(m.version.clone()),
                Box::leak(m.version_key.clone().into_boxed_slice()),
            ),
            name: leak(m.name.clone()),
            up: section(&m.up),
            down: m.down.as_ref().map(section),
            irreversible: None,
            checksum: leak(m.checksum.clone()),
        })
        .collect();
    assert_eq!(migrations.len(), count, "{name}: {}", report.render(false));
    Box::leak(Box::new(Migrations::new(
        Box::leak(migrations.into_boxed_slice()),
        dialect,
        "migrate_history",
    )))
}

/// A fresh database, returned as a URL; dropped by [`drop_db`].
fn fresh_db(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Postgres => {
            let base = env(
                "MIGRATE_TEST_POSTGRES",
                "postgres://postgres@127.0.0.1:5432",
            );
            let mut admin = migrate_runtime::postgres::Client::connect(
                &format!("{base}/postgres"),
                migrate_runtime::postgres::NoTls,
            )
            .unwrap();
            admin
                .batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name}"
                ))
                .unwrap_or_else(|_| {
                    admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .unwrap();
                    admin
                        .batch_execute(&format!("CREATE DATABASE {name}"))
                        .unwrap();
                });
            format!("{base}/{name}")
        }
        Dialect::MySql => {
            let base = env("MIGRATE_TEST_MYSQL", "mysql://root@127.0.0.1:3306");
            let mut admin = migrate_runtime::connect(&format!("{base}/")).unwrap();
            let AnyBackend::MySql(my) = &mut admin else {
                unreachable!()
            };
            my.conn()
                .query_drop(format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            my.conn()
                .query_drop(format!("CREATE DATABASE {name}"))
                .unwrap();
            format!("{base}/{name}")
        }
        Dialect::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            drop_sqlite(&path);
            format!("sqlite://{}", path.display())
        }
    }
}

fn drop_sqlite(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm", "-migrate-lock"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn drop_db(dialect: Dialect, name: &str) {
    match dialect {
        Dialect::Sqlite => drop_sqlite(&std::env::temp_dir().join(format!("{name}.db"))),
        Dialect::Postgres => {
            let base = env(
                "MIGRATE_TEST_POSTGRES",
                "postgres://postgres@127.0.0.1:5432",
            );
            let _ = migrate_runtime::postgres::Client::connect(
                &format!("{base}/postgres"),
                migrate_runtime::postgres::NoTls,
            )
            .and_then(|mut c| {
                c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            });
        }
        Dialect::MySql => {
            let base = env("MIGRATE_TEST_MYSQL", "mysql://root@127.0.0.1:3306");
            if let Ok(AnyBackend::MySql(mut my)) = migrate_runtime::connect(&format!("{base}/")) {
                let _ = my
                    .conn()
                    .query_drop(format!("DROP DATABASE IF EXISTS {name}"));
            }
        }
    }
}

/// The same statements, raw, through the same driver.
fn apply_raw(conn: &mut AnyBackend, migrations: &Migrations) {
    for m in migrations.migrations() {
        let tx = m.up.transactional;
        let mut exec = |sql: &str| match conn {
            AnyBackend::Postgres(pg) => pg.client().batch_execute(sql).unwrap(),
            AnyBackend::MySql(my) => my.conn().query_drop(sql).unwrap(),
            AnyBackend::Sqlite(lite) => lite.execute_batch(sql).unwrap(),
            _ => unreachable!(),
        };
        if tx {
            exec("BEGIN");
        }
        for st in m.up.statements {
            exec(st.sql);
        }
        if tx {
            exec("COMMIT");
        }
    }
}

/// A backend answering from memory: the migrator's CPU cost alone.
struct Memory(Vec<migrate_runtime::HistoryRow>);

impl migrate_runtime::Backend for Memory {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn history_exists(
        &mut self,
        _: &migrate_runtime::HistoryTable,
    ) -> Result<bool, migrate_runtime::DbError> {
        Ok(true)
    }
    fn create_history(
        &mut self,
        _: &migrate_runtime::HistoryTable,
    ) -> Result<(), migrate_runtime::DbError> {
        Ok(())
    }
    fn read_history(
        &mut self,
        _: &migrate_runtime::HistoryTable,
    ) -> Result<Vec<migrate_runtime::HistoryRow>, migrate_runtime::DbError> {
        Ok(self.0.clone())
    }
    fn begin_exclusive(&mut self) -> Result<(), migrate_runtime::DbError> {
        Ok(())
    }
    fn commit(&mut self) -> Result<(), migrate_runtime::DbError> {
        Ok(())
    }
    fn rollback(&mut self) -> Result<(), migrate_runtime::DbError> {
        Ok(())
    }
    fn execute_sql(&mut self, _: &str) -> Result<(), migrate_runtime::DbError> {
        unreachable!()
    }
    fn insert_row(
        &mut self,
        _: &migrate_runtime::HistoryTable,
        _: &migrate_runtime::HistoryRow,
    ) -> Result<(), migrate_runtime::DbError> {
        unreachable!()
    }
    fn update_row(
        &mut self,
        _: &migrate_runtime::HistoryTable,
        _: &migrate_runtime::HistoryRow,
    ) -> Result<(), migrate_runtime::DbError> {
        unreachable!()
    }
    fn delete_row(
        &mut self,
        _: &migrate_runtime::HistoryTable,
        _: &str,
    ) -> Result<(), migrate_runtime::DbError> {
        unreachable!()
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn bench(dialect: Dialect, count: usize, runs: usize) {
    let name = dialect.name();
    let migrations = corpus(dialect, count);
    let statements: usize = migrations
        .migrations()
        .iter()
        .map(|m| m.up.statements.len())
        .sum();
    let no_tx = migrations
        .migrations()
        .iter()
        .filter(|m| !m.up.transactional)
        .count();
    eprintln!("{name}: {count} migrations, {statements} statements, {no_tx} without a transaction");
    let db = format!("migrate_bench_{name}_{}", std::process::id());
    let (mut via_migrator, mut raw) = (Vec::new(), Vec::new());
    for run in 0..runs {
        // Alternate the order, so that neither always runs on a warmer server.
        for which in if run % 2 == 0 { [0, 1] } else { [1, 0] } {
            let url = fresh_db(dialect, &db);
            let mut conn = migrate_runtime::connect(&url).unwrap();
            let t = Instant::now();
            if which == 0 {
                let report = Migrator::new(migrations).run(&mut conn).unwrap();
                assert_eq!(report.steps.len(), count);
                via_migrator.push(t.elapsed());
            } else {
                apply_raw(&mut conn, migrations);
                raw.push(t.elapsed());
            }
            eprintln!(
                "  run {run}: {} {:.0} ms",
                if which == 0 { "migrator" } else { "raw" },
                ms(t.elapsed())
            );
            drop(conn);
            drop_db(dialect, &db);
        }
    }

    // Start-up with everything applied: connect, validate, find nothing to do.
    let url = fresh_db(dialect, &db);
    Migrator::new(migrations)
        .run(&mut migrate_runtime::connect(&url).unwrap())
        .unwrap();
    let (mut connects, mut checks, mut floors) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..30 {
        let t = Instant::now();
        let mut conn = migrate_runtime::connect(&url).unwrap();
        connects.push(t.elapsed());
        let t = Instant::now();
        let report = Migrator::new(migrations).run(&mut conn).unwrap();
        checks.push(t.elapsed());
        assert!(report.steps.is_empty());
        // The floor: reading the history table raw on a new connection (for
        // SQLite this includes loading the schema, which any first query does).
        let mut conn = migrate_runtime::connect(&url).unwrap();
        let t = Instant::now();
        let sql = "SELECT version, checksum, state FROM migrate_history";
        match &mut conn {
            AnyBackend::Postgres(pg) => drop(pg.client().simple_query(sql).unwrap()),
            AnyBackend::MySql(my) => {
                drop(my.conn().query::<(String, String, String), _>(sql).unwrap())
            }
            AnyBackend::Sqlite(lite) => {
                let mut stmt = lite.prepare(sql).unwrap();
                let n = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .unwrap()
                    .count();
                assert_eq!(n, count);
            }
            _ => unreachable!(),
        }
        floors.push(t.elapsed());
        if std::env::var("MIGRATE_BENCH_PHASES").is_ok() {
            use migrate_runtime::{Backend, HistoryTable};
            let table = HistoryTable::parse("migrate_history").unwrap();
            let mut conn = migrate_runtime::connect(&url).unwrap();
            let t = Instant::now();
            conn.lock(&table, Duration::from_secs(1)).unwrap();
            let t1 = t.elapsed();
            conn.create_history(&table).unwrap();
            let t2 = t.elapsed();
            let rows = conn.read_history(&table).unwrap();
            let t3 = t.elapsed();
            conn.unlock(&table).unwrap();
            let t4 = t.elapsed();
            let plan = Migrator::new(migrations)
                .plan(&mut conn, migrate_runtime::Action::Run)
                .unwrap();
            let t5 = t.elapsed();
            // The migrator's own work, over a backend that answers from memory.
            let mut memory = Memory(rows.clone());
            let mut cpu = Vec::new();
            for _ in 0..50 {
                let t = Instant::now();
                Migrator::new(migrations).run(&mut memory).unwrap();
                cpu.push(t.elapsed());
            }
            let fastest = cpu.iter().min().copied().unwrap();
            eprintln!(
                "  in-memory check: median {:.3} ms, fastest {:.3} ms",
                ms(median(cpu)),
                ms(fastest)
            );
            eprintln!(
                "  phases: lock {:.2} create {:.2} read {:.2} ({} rows) unlock {:.2} plan {:.2} ms ({} steps)",
                ms(t1),
                ms(t2 - t1),
                ms(t3 - t2),
                rows.len(),
                ms(t4 - t3),
                ms(t5 - t4),
                plan.steps.len()
            );
        }
    }
    drop_db(dialect, &db);

    let (c, k, f) = (median(connects), median(checks), median(floors));
    let apply = if runs == 0 {
        String::new()
    } else {
        let (m, r) = (median(via_migrator), median(raw));
        format!(
            "migrator {:>8.0} ms, raw {:>8.0} ms, ratio {:.3}; ",
            ms(m),
            ms(r),
            m.as_secs_f64() / r.as_secs_f64()
        )
    };
    println!(
        "{name:<9} {count} migrations ({statements} statements): {apply}start-up with all \
         applied: check {:.2} ms + connect {:.2} ms = {:.2} ms; reading the history raw: {:.2} ms \
         (medians of {runs} applies, 30 start-ups)",
        ms(k),
        ms(c),
        ms(k + c),
        ms(f),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then only smoke-test.
    let benching = std::env::args().any(|a| a == "--bench");
    let count: usize = env("MIGRATE_BENCH_COUNT", if benching { "1000" } else { "20" })
        .parse()
        .unwrap();
    let runs: usize = env("MIGRATE_BENCH_RUNS", if benching { "3" } else { "1" })
        .parse()
        .unwrap();
    for backend in env("MIGRATE_BENCH_BACKENDS", "sqlite,postgres,mysql").split(',') {
        let dialect = match backend.trim() {
            "sqlite" => Dialect::Sqlite,
            "postgres" => Dialect::Postgres,
            "mysql" => Dialect::MySql,
            other => panic!("unknown backend {other}"),
        };
        bench(dialect, count, runs);
    }
}
