//! `embed_migrations!` embeds the `seeds` directory beside the migrations:
//! checked at build time, run by `Migrator::seed`.

use migrate::{Migrations, Migrator, SeedOutcome};

const MIGRATIONS: Migrations =
    migrate::embed_migrations!("tests/seeds_project/migrations", dialect = "sqlite");

/// The same seeds named explicitly.
const NAMED: Migrations = migrate::embed_migrations!(
    "tests/seeds_project/migrations",
    dialect = "sqlite",
    seeds = "tests/seeds_project/seeds"
);

/// Seeds turned off.
const UNSEEDED: Migrations = migrate::embed_migrations!(
    "tests/seeds_project/migrations",
    dialect = "sqlite",
    seeds = false
);

#[test]
fn seeds_can_be_turned_off() {
    assert!(UNSEEDED.seeds().is_empty());
    assert_eq!(UNSEEDED.migrations().len(), 1);
}

#[test]
fn the_seeds_beside_the_migrations_are_embedded_in_name_order() {
    let seeds = MIGRATIONS.seeds();
    let names: Vec<&str> = seeds.iter().map(|s| s.name).collect();
    assert_eq!(names, ["01_countries", "02_test_countries"]);
    assert_eq!(seeds[0].file, "tests/seeds_project/seeds/01_countries.sql");
    assert!(seeds[0].environments.is_empty());
    assert_eq!(seeds[1].environments, ["dev", "test"]);
    assert_eq!(seeds[0].statements.len(), 1);
    assert_eq!(seeds[0].statements[0].line, 2);
    assert!(
        seeds[0].statements[0]
            .sql
            .starts_with("INSERT INTO countries")
    );
    assert!(seeds[0].checksum.starts_with("sha256:"));
    assert_eq!(MIGRATIONS.seeds_table(), "migrate_history_seeds");
    assert_eq!(NAMED.seeds(), seeds);
}

#[test]
fn embedded_seeds_run_once_per_environment() {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    let migrator = Migrator::new(&MIGRATIONS);
    let report = migrator.seed(&mut conn, Some("prod")).unwrap();
    assert_eq!(report.migrations.versions(), ["1"]);
    assert_eq!(report.ran(), ["01_countries"]);
    assert_eq!(report.seeds[1].outcome, SeedOutcome::OtherEnvironment);
    assert_eq!(
        migrator.seed(&mut conn, Some("test")).unwrap().ran(),
        ["02_test_countries"]
    );
    assert!(
        migrator
            .seed(&mut conn, Some("test"))
            .unwrap()
            .ran()
            .is_empty()
    );
    let n: i64 = conn
        .query_row("SELECT count(*) FROM countries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
}
