//! `Migrator::seed` against each backend, each test in a fresh database of
//! its own (real PostgreSQL and MariaDB servers, a temporary SQLite file):
//! seeds run after the migrations, once per change and per environment,
//! each in one transaction with its row in `<history table>_seeds`.

mod common;

use common::{Server, TestDb, mig, section, st};
use migrate_runtime::{Dialect, Error, Migrations, Migrator, Seed, SeedOutcome, Statement};

/// A `'static` copy (the embedded table is `'static`; tests build variants).
fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn dialect(server: Server) -> Dialect {
    match server {
        Server::Postgres => Dialect::Postgres,
        Server::MySql => Dialect::MySql,
        Server::Sqlite => Dialect::Sqlite,
    }
}

/// An idempotent insert of one country in the server's dialect.
fn upsert(server: Server, code: &str, name: &str) -> &'static str {
    let sql = match server {
        Server::MySql => format!(
            "INSERT INTO countries (code, name) VALUES ('{code}', '{name}') \
             ON DUPLICATE KEY UPDATE name = VALUES(name)"
        ),
        _ => format!(
            "INSERT INTO countries (code, name) VALUES ('{code}', '{name}') \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name"
        ),
    };
    Box::leak(sql.into_boxed_str())
}

fn seed(
    name: &'static str,
    environments: &'static [&'static str],
    statements: Vec<&'static str>,
    checksum: &'static str,
) -> Seed {
    let statements: Vec<Statement> = statements
        .into_iter()
        .enumerate()
        .map(|(i, sql)| st(u32::try_from(i).unwrap() + 1, sql))
        .collect();
    Seed {
        name,
        file: Box::leak(format!("seeds/{name}.sql").into_boxed_str()),
        environments,
        statements: leak(statements),
        checksum,
    }
}

/// One migration creating `countries`, and the given seeds.
fn table(server: Server, seeds: Vec<Seed>) -> &'static Migrations {
    const CREATE: &[Statement] = &[st(
        2,
        "CREATE TABLE countries (code VARCHAR(8) PRIMARY KEY, name VARCHAR(80) NOT NULL)",
    )];
    const DROP: &[Statement] = &[st(4, "DROP TABLE countries")];
    let up = section(CREATE, true, "migrations/1_countries.sql");
    let m = mig(
        "1",
        &[1],
        "countries",
        up,
        Some(section(DROP, true, "migrations/1_countries.sql")),
        "sha256:1",
    );
    Box::leak(Box::new(
        Migrations::new(leak(vec![m]), dialect(server), "migrate_history")
            .with_seeds(leak(seeds), "migrate_history_seeds"),
    ))
}

fn codes(db: &TestDb) -> Vec<String> {
    let mut c = db.strings("SELECT code FROM countries");
    c.sort();
    c
}

fn outcomes(report: &migrate_runtime::SeedReport) -> Vec<(&str, SeedOutcome)> {
    report
        .seeds
        .iter()
        .map(|s| (s.seed.name, s.outcome))
        .collect()
}

fn seeds_run_once_per_change_and_per_environment(server: Server) {
    let Some(db) = TestDb::create(server, "seeds") else {
        return;
    };
    let mut conn = db.connect();
    let v1 = table(
        server,
        vec![
            seed(
                "01_countries",
                &[],
                vec![
                    upsert(server, "fr", "France"),
                    upsert(server, "de", "Germany"),
                ],
                "sha256:a",
            ),
            seed(
                "02_test_countries",
                &["dev", "test"],
                vec![upsert(server, "zz", "Testland")],
                "sha256:b",
            ),
        ],
    );
    let migrator = Migrator::new(v1);

    // A fresh database: the migrations first, then the unrestricted seed.
    let report = migrator.seed(&mut conn, Some("prod")).unwrap();
    assert_eq!(report.migrations.versions(), ["1"]);
    assert_eq!(
        outcomes(&report),
        [
            ("01_countries", SeedOutcome::Applied),
            ("02_test_countries", SeedOutcome::OtherEnvironment)
        ]
    );
    assert_eq!(codes(&db), ["de", "fr"]);

    // Unchanged: nothing runs again (a row edited by the application stays).
    db.exec("UPDATE countries SET name = 'French Republic' WHERE code = 'fr'");
    let report = migrator.seed(&mut conn, Some("prod")).unwrap();
    assert!(report.migrations.steps.is_empty() && report.ran().is_empty());
    assert_eq!(report.seeds[0].outcome, SeedOutcome::Unchanged);
    assert_eq!(
        db.strings("SELECT name FROM countries WHERE code = 'fr'"),
        ["French Republic"]
    );
    // No environment: only the unrestricted seeds, which already ran.
    assert!(migrator.seed(&mut conn, None).unwrap().ran().is_empty());

    // Another environment runs what is limited to it, once.
    let report = migrator.seed(&mut conn, Some("dev")).unwrap();
    assert_eq!(report.ran(), ["02_test_countries"]);
    assert_eq!(codes(&db), ["de", "fr", "zz"]);
    assert!(
        migrator
            .seed(&mut conn, Some("test"))
            .unwrap()
            .ran()
            .is_empty()
    );

    // A changed seed runs again; the unchanged one does not.
    let v2 = table(
        server,
        vec![
            seed(
                "01_countries",
                &[],
                vec![
                    upsert(server, "fr", "France"),
                    upsert(server, "de", "Germany"),
                    upsert(server, "it", "Italy"),
                ],
                "sha256:a2",
            ),
            v1.seeds()[1],
        ],
    );
    let report = Migrator::new(v2).seed(&mut conn, Some("dev")).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            ("01_countries", SeedOutcome::Changed),
            ("02_test_countries", SeedOutcome::Unchanged)
        ]
    );
    assert_eq!(codes(&db), ["de", "fr", "it", "zz"]);
    assert_eq!(
        db.strings("SELECT name FROM countries WHERE code = 'fr'"),
        ["France"]
    );

    // Seeds are recorded apart: the history table holds the migrations only.
    assert_eq!(db.history(), [("1".to_owned(), "applied".to_owned(), 1)]);
    let mut recorded = db.strings("SELECT version FROM migrate_history_seeds");
    recorded.sort();
    assert_eq!(recorded, ["01_countries", "02_test_countries"]);
    assert_eq!(
        db.strings("SELECT checksum FROM migrate_history_seeds WHERE version = '01_countries'"),
        ["sha256:a2"]
    );
    // `status` still sees only migrations.
    let status = Migrator::new(v2).status(&mut conn).unwrap();
    assert_eq!(status.len(), 1);
}

fn a_failing_seed_is_rolled_back_and_not_recorded(server: Server) {
    let Some(db) = TestDb::create(server, "seedfail") else {
        return;
    };
    let mut conn = db.connect();
    let broken = table(
        server,
        vec![
            seed(
                "01_countries",
                &[],
                vec![upsert(server, "fr", "France")],
                "sha256:a",
            ),
            seed(
                "02_cities",
                &[],
                vec![
                    upsert(server, "de", "Germany"),
                    "INSERT INTO cities (name) VALUES ('Berlin')",
                ],
                "sha256:b",
            ),
        ],
    );
    let err = Migrator::new(broken).seed(&mut conn, None).unwrap_err();
    let Error::Seed(failure) = &err else {
        panic!("expected a seed error, got {err}");
    };
    assert_eq!(
        (failure.seed, failure.file, failure.line, failure.index),
        ("02_cities", "seeds/02_cities.sql", 2, 1)
    );
    let message = err.to_string();
    assert!(
        message.contains("seed 02_cities failed: statement 2 of 2 at seeds/02_cities.sql:2")
            && message.contains("rolled back"),
        "{message}"
    );
    // The seed before it stays; the failing one left nothing.
    assert_eq!(codes(&db), ["fr"]);
    assert_eq!(
        db.strings("SELECT version FROM migrate_history_seeds"),
        ["01_countries"]
    );

    // Fixed, it runs; the first seed does not run again.
    db.exec("CREATE TABLE cities (name VARCHAR(80) PRIMARY KEY)");
    let fixed = table(
        server,
        vec![
            broken.seeds()[0],
            seed(
                "02_cities",
                &[],
                vec![upsert(server, "de", "Germany")],
                "sha256:b2",
            ),
        ],
    );
    let report = Migrator::new(fixed).seed(&mut conn, None).unwrap();
    assert_eq!(report.ran(), ["02_cities"]);
    assert_eq!(codes(&db), ["de", "fr"]);

    // An environment `-- migrate:env` could not name is refused up front.
    let err = Migrator::new(fixed)
        .seed(&mut conn, Some("Prod"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidEnvironment { environment } if environment == "Prod"),
        "{err}"
    );
}

/// Runners started together apply each seed once: they take the migration
/// lock, and each reads the seed's row again in its transaction.
fn concurrent_runners_apply_each_seed_once(server: Server) {
    let Some(db) = TestDb::create(server, "seedrace") else {
        return;
    };
    let seeds: Vec<Seed> = (0..4)
        .map(|i| {
            let name: &'static str = Box::leak(format!("{i:02}_country").into_boxed_str());
            seed(
                name,
                &[],
                vec![
                    upsert(server, &format!("c{i}"), "Somewhere"),
                    // Counts the runs of this seed: duplicates would show.
                    Box::leak(format!("INSERT INTO runs VALUES ('{name}')").into_boxed_str()),
                ],
                "sha256:c",
            )
        })
        .collect();
    let migrator = Migrator::new(table(server, seeds));
    let url = db.url().to_owned();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut conn = migrate_runtime::connect(&url).unwrap();
                migrator.seed(&mut conn, None).unwrap().ran().len()
            })
        })
        .collect();
    let ran: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(ran, 4, "each seed ran once in all");
    assert_eq!(
        db.markers(),
        ["00_country", "01_country", "02_country", "03_country"]
    );
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_concurrent_runners_apply_each_seed_once() {
    concurrent_runners_apply_each_seed_once(Server::Sqlite);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_concurrent_runners_apply_each_seed_once() {
    concurrent_runners_apply_each_seed_once(Server::Postgres);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_concurrent_runners_apply_each_seed_once() {
    concurrent_runners_apply_each_seed_once(Server::MySql);
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_seeds_run_once_per_change_and_per_environment() {
    seeds_run_once_per_change_and_per_environment(Server::Sqlite);
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_a_failing_seed_is_rolled_back_and_not_recorded() {
    a_failing_seed_is_rolled_back_and_not_recorded(Server::Sqlite);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_seeds_run_once_per_change_and_per_environment() {
    seeds_run_once_per_change_and_per_environment(Server::Postgres);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_a_failing_seed_is_rolled_back_and_not_recorded() {
    a_failing_seed_is_rolled_back_and_not_recorded(Server::Postgres);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_seeds_run_once_per_change_and_per_environment() {
    seeds_run_once_per_change_and_per_environment(Server::MySql);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_a_failing_seed_is_rolled_back_and_not_recorded() {
    a_failing_seed_is_rolled_back_and_not_recorded(Server::MySql);
}

#[cfg(feature = "sqlite")]
#[test]
fn without_seeds_no_seeds_table_is_created() {
    let mut conn = migrate_runtime::rusqlite::Connection::open_in_memory().unwrap();
    let report = Migrator::new(table(Server::Sqlite, vec![]))
        .seed(&mut conn, Some("dev"))
        .unwrap();
    assert_eq!(report.migrations.versions(), ["1"]);
    assert!(report.seeds.is_empty());
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'migrate_history_seeds'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}
