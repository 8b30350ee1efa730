//! The down policy: in a down section, lock and rewrite findings are
//! warnings (a widening migration's natural reverse narrows back), while
//! what fails on the server or destroys data the up did not create stays an
//! error; `check_down = "strict"` makes them all errors.

use migrate_check::{Config, Dialect, FileEntry, Input, Report, Severity, check};

fn file(path: &str, text: &str) -> FileEntry {
    FileEntry {
        rel_path: path.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn run(strict: bool, second: &str) -> Report {
    let mut config = Config::from_toml(if strict {
        "check_down = \"strict\""
    } else {
        ""
    })
    .unwrap();
    config.dialect = Dialect::Postgres;
    check(Input {
        entries: vec![
            file(
                "1_users.sql",
                "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, name varchar(50), note text);\n-- migrate:down\nDROP TABLE users;\n",
            ),
            file("2_change.sql", second),
        ],
        display_dir: "migrations".into(),
        config,
        config_source: None,
    })
}

fn found(report: &Report) -> Vec<(&str, Severity)> {
    report
        .diagnostics
        .iter()
        .filter(|d| !d.rule.starts_with("require-") && d.rule != "prefer-text-field")
        .map(|d| (d.rule, d.severity))
        .collect()
}

/// A widening up: safe. Its down narrows back: a rewrite, reported as a
/// warning with a note that fits a rollback.
const WIDEN: &str = "-- migrate:up\nALTER TABLE users ALTER COLUMN name TYPE varchar(120);\n-- migrate:down\nALTER TABLE users ALTER COLUMN name TYPE varchar(50);\n";

#[test]
fn a_widening_migration_builds() {
    let report = run(false, WIDEN);
    assert!(!report.has_errors(), "{}", report.render(false));
    assert_eq!(found(&report), [("change-column-type", Severity::Warning)]);
    let d = &report
        .diagnostics
        .iter()
        .find(|d| d.rule == "change-column-type")
        .unwrap();
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("in a down section this is a warning")),
        "{}",
        report.render(false)
    );
}

#[test]
fn strict_makes_down_findings_errors() {
    let report = run(true, WIDEN);
    assert_eq!(found(&report), [("change-column-type", Severity::Error)]);
}

#[test]
fn what_fails_on_the_server_or_destroys_old_data_stays_an_error() {
    // CONCURRENTLY inside the runner's transaction fails outright.
    let report = run(
        false,
        "-- migrate:up\nCREATE TABLE tags (id bigint);\n-- migrate:down transaction:true\nDROP TABLE tags;\nCREATE INDEX CONCURRENTLY users_name ON users (name);\n",
    );
    assert!(
        found(&report).contains(&("concurrently-in-transaction", Severity::Error)),
        "{}",
        report.render(false)
    );
    // Dropping a column that existed before the up loses its data.
    let report = run(
        false,
        "-- migrate:up\nALTER TABLE users ADD COLUMN email text;\n-- migrate:down\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN note;\n",
    );
    let drops: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "drop-column")
        .map(|d| (d.line, d.severity))
        .collect();
    // `email` was created by the up: nothing to lose. `note` was there before.
    assert_eq!(drops, [(5, Severity::Error)], "{}", report.render(false));
}
