//! Adopting an existing directory: each layout is ordered and paired as the
//! tool that wrote it does, `checked_after` makes old migrations history,
//! and the runner-facing facts (empty downs, indented markers) are read as
//! the tool reads them.

use migrate_check::{Config, Dialect, FileEntry, Input, Report, Severity, VersionOrder, check};

fn file(path: &str, text: &str) -> FileEntry {
    FileEntry {
        rel_path: path.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn run(config: Config, files: Vec<FileEntry>) -> Report {
    check(Input {
        entries: files,
        display_dir: "migrations".into(),
        config,
        config_source: None,
    })
}

fn sqlite(files: Vec<FileEntry>) -> Report {
    run(Config::default(), files)
}

fn order(report: &Report) -> Vec<&str> {
    report.migrations.iter().map(|m| m.name.as_str()).collect()
}

fn rules(report: &Report) -> Vec<&str> {
    report.diagnostics.iter().map(|d| d.rule).collect()
}

const UP_DOWN: &str =
    "-- migrate:up\nCREATE TABLE t (id INTEGER);\n-- migrate:down\nDROP TABLE t;\n";

fn table(name: &str) -> String {
    format!(
        "-- migrate:up\nCREATE TABLE {name} (id INTEGER);\n-- migrate:down\nDROP TABLE {name};\n"
    )
}

// ---------------------------------------------------------------------------
// Order: each directory whose numeric and text orders differ, run as its tool runs it.

#[test]
fn diesel_orders_versions_as_text_without_dashes() {
    // A real mixed-format directory: diesel reads `20180101000000` and
    // `20240313` and compares them as strings, so 2018 runs first; as
    // numbers 20240313 is smaller.
    let report = sqlite(vec![
        file(
            "2018-01-01-000000_first/up.sql",
            "CREATE TABLE a (id INTEGER);",
        ),
        file("2018-01-01-000000_first/down.sql", "DROP TABLE a;"),
        file(
            "2024-03-13_170000_second/up.sql",
            "ALTER TABLE a ADD COLUMN b TEXT;",
        ),
        file(
            "2024-03-13_170000_second/down.sql",
            "ALTER TABLE a DROP COLUMN b;",
        ),
    ]);
    assert_eq!(order(&report), ["first", "170000_second"]);
    assert_eq!(report.order, VersionOrder::Text);
    // No "no such table" finding: the ALTER runs after the CREATE.
    assert!(!report.has_errors(), "{}", report.render(false));
}

#[test]
fn diesel_short_versions_sort_as_strings() {
    let report = sqlite(vec![
        file("9_a/up.sql", "CREATE TABLE a (id INTEGER);"),
        file("9_a/down.sql", "DROP TABLE a;"),
        file("10_b/up.sql", "CREATE TABLE b (id INTEGER);"),
        file("10_b/down.sql", "DROP TABLE b;"),
    ]);
    assert_eq!(order(&report), ["b", "a"]);
    assert_eq!(rules(&report), ["version-order"]);
    let warning = &report.diagnostics[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("diesel"), "{}", warning.message);
}

#[test]
fn dbmate_orders_by_file_name() {
    let report = sqlite(vec![
        file("9_a.sql", &table("a")),
        file("10_b.sql", &table("b")),
    ]);
    assert_eq!(order(&report), ["b", "a"]);
    assert_eq!(rules(&report), ["version-order"]);
    assert!(report.diagnostics[0].message.contains("dbmate"));
    assert_eq!(
        report.diagnostics[0].location(&report.files),
        "migrations/10_b.sql:1:1"
    );

    // Chosen explicitly: no warning, and `numeric` orders as numbers.
    let text = Config {
        version_order: Some(VersionOrder::Text),
        ..Config::default()
    };
    let report = run(
        text,
        vec![file("9_a.sql", &table("a")), file("10_b.sql", &table("b"))],
    );
    assert_eq!(order(&report), ["b", "a"]);
    assert!(report.diagnostics.is_empty());
    let numeric = Config {
        version_order: Some(VersionOrder::Numeric),
        ..Config::default()
    };
    let report = run(
        numeric,
        vec![file("9_a.sql", &table("a")), file("10_b.sql", &table("b"))],
    );
    assert_eq!(order(&report), ["a", "b"]);
    assert_eq!(report.order, VersionOrder::Numeric);
    assert!(report.diagnostics.is_empty());
}

#[test]
fn equal_length_versions_need_no_warning() {
    let report = sqlite(vec![
        file("20240102000000_b.sql", &table("b")),
        file("20240101000000_a.sql", &table("a")),
    ]);
    assert_eq!(order(&report), ["a", "b"]);
    assert!(report.diagnostics.is_empty());
}

#[test]
fn sqlx_golang_migrate_refinery_and_flyway_order_as_numbers() {
    // sqlx's up-only files (no dbmate marker).
    let report = sqlite(vec![
        file(
            "10_b.sql",
            "CREATE TABLE b (id INTEGER);\n-- migrate:irreversible: test\n",
        ),
        file(
            "9_a.sql",
            "CREATE TABLE a (id INTEGER);\n-- migrate:irreversible: test\n",
        ),
    ]);
    assert_eq!(order(&report), ["a", "b"]);
    // sqlx reversible and golang-migrate pairs.
    let report = sqlite(vec![
        file("10_b.up.sql", "CREATE TABLE b (id INTEGER);"),
        file("10_b.down.sql", "DROP TABLE b;"),
        file("9_a.up.sql", "CREATE TABLE a (id INTEGER);"),
        file("9_a.down.sql", "DROP TABLE a;"),
    ]);
    assert_eq!(order(&report), ["a", "b"]);
    // Flyway and refinery.
    let report = sqlite(vec![
        file("V10__b.sql", "CREATE TABLE b (id INTEGER);"),
        file("U10__b.sql", "DROP TABLE b;"),
        file("V9__a.sql", "CREATE TABLE a (id INTEGER);"),
        file("U9__a.sql", "DROP TABLE a;"),
    ]);
    assert_eq!(order(&report), ["a", "b"]);
    assert!(report.diagnostics.is_empty(), "{}", report.render(false));
}

#[test]
fn version_zero_is_a_migration_like_any_other() {
    let report = sqlite(vec![
        file("0000_a.sql", &table("a")),
        file("0001_b.sql", &table("b")),
    ]);
    assert_eq!(order(&report), ["a", "b"]);
    assert_eq!(report.migrations[0].version, "0000");
    assert!(report.diagnostics.is_empty());
}

// ---------------------------------------------------------------------------
// Pairing and layout hints.

#[test]
fn golang_migrate_pairs_up_and_down_by_version() {
    let report = sqlite(vec![
        file("30_add_x.up.sql", "CREATE TABLE x (id INTEGER);"),
        file("30_drop_x.down.sql", "DROP TABLE x;"),
    ]);
    assert!(report.diagnostics.is_empty(), "{}", report.render(false));
    assert_eq!(report.migrations.len(), 1);
    let m = &report.migrations[0];
    assert_eq!(m.name, "add_x");
    assert_eq!(m.down.as_ref().map(|d| d.statements.len()), Some(1));
}

#[test]
fn two_ups_of_one_version_are_a_duplicate() {
    let report = sqlite(vec![
        file("30_a.up.sql", "CREATE TABLE a (id INTEGER);"),
        file("30_b.up.sql", "CREATE TABLE b (id INTEGER);"),
    ]);
    assert!(
        rules(&report).contains(&"duplicate-version"),
        "{:?}",
        rules(&report)
    );
}

#[test]
fn dialect_subfolders_get_one_hint_each() {
    let mut files = Vec::new();
    for dialect in ["postgres", "sqlite"] {
        for n in 1..=20 {
            files.push(file(&format!("{dialect}/{n:04}_m{n}.sql"), UP_DOWN));
        }
    }
    files.push(file("mysql/0001_a/up.sql", "CREATE TABLE a (id int);"));
    let report = sqlite(files);
    assert_eq!(
        rules(&report),
        ["unknown-layout"; 3],
        "{}",
        report.render(false)
    );
    let postgres = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("migrations/postgres/"))
        .expect("a hint for postgres/");
    assert!(
        postgres.message.contains("20 files"),
        "{}",
        postgres.message
    );
    let help = postgres.help.as_deref().unwrap();
    assert!(
        help.contains("embed_migrations!(\"migrations/postgres\""),
        "{help}"
    );
    assert!(help.contains("--dir migrations/postgres"), "{help}");
}

// ---------------------------------------------------------------------------
// History: `checked_after`.

/// A PostgreSQL project: old migrations full of findings nobody will fix.
fn old_project() -> Vec<FileEntry> {
    vec![
        file(
            "0001_orders.sql",
            "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n-- migrate:down\nDROP TABLE orders;\n",
        ),
        // A lock finding, an unused allow, a statement that does not parse,
        // and no down section.
        file(
            "0002_index.sql",
            "-- migrate:up\nCREATE INDEX orders_user_idx ON orders (user_id);\n-- migrate:allow(drop-table): long gone\nSELECT 1;\nCREATE FROBNICATOR x WITH (y);\n",
        ),
        file(
            "0003_more.sql",
            "-- migrate:up\nCREATE INDEX orders_id_user_idx ON orders (id, user_id);\n-- migrate:down\nDROP INDEX orders_id_user_idx;\n",
        ),
    ]
}

fn postgres(checked_after: Option<&str>) -> Config {
    Config {
        dialect: Dialect::Postgres,
        checked_after: checked_after.map(str::to_string),
        ..Config::default()
    }
}

#[test]
fn without_checked_after_everything_is_reported() {
    let report = run(postgres(None), old_project());
    let found = rules(&report);
    for rule in [
        "create-index-non-concurrently",
        "parse-error",
        "missing-down",
        "unused-allow",
    ] {
        assert!(found.contains(&rule), "{rule} in {found:?}");
    }
    assert_eq!(report.history.migrations, 0);
    assert!(report.history.note().is_none());
}

#[test]
fn history_is_replayed_but_not_reported() {
    let report = run(postgres(Some("0002")), old_project());
    // Only the new migration is judged, against the schema history left:
    // `orders` is an existing table there.
    assert!(
        report.diagnostics.iter().all(|d| d
            .location(&report.files)
            .starts_with("migrations/0003_more.sql:")),
        "{}",
        report.render(false)
    );
    assert!(rules(&report).contains(&"create-index-non-concurrently"));
    let flags: Vec<bool> = report.migrations.iter().map(|m| m.history).collect();
    assert_eq!(flags, [true, true, false]);
    // What history holds is kept aside, for `lint` to count.
    let history = &report.history;
    assert_eq!(history.migrations, 2);
    assert!(history.names_a_migration);
    assert_eq!(history.unparsed().count(), 1);
    assert!(history.findings.iter().any(|d| d.rule == "missing-down"));
    let note = history.note().unwrap();
    assert!(
        note.starts_with("2 migrations up to 0002 are history"),
        "{note}"
    );
    assert!(note.contains("1 statement there does not parse"), "{note}");
    // The unparsed statement is still embedded, to run on a new database.
    let old = &report.migrations[1];
    assert_eq!(old.up.statements.len(), 3);
    assert!(old.down.is_none());
}

#[test]
fn checked_after_matches_versions_as_numbers_and_between_migrations() {
    // `2` names `0002`.
    let report = run(postgres(Some("2")), old_project());
    assert_eq!(report.history.migrations, 2);
    // A version no migration has still divides them.
    let mut files = old_project();
    files[2].rel_path = "0005_more.sql".into();
    let report = run(postgres(Some("4")), files);
    let versions: Vec<(&str, bool)> = report
        .migrations
        .iter()
        .map(|m| (m.version.as_str(), m.history))
        .collect();
    assert_eq!(versions, [("0001", true), ("0002", true), ("0005", false)]);
    assert_eq!(report.history.migrations, 2);
    assert!(!report.history.names_a_migration);
    assert!(
        report
            .history
            .note()
            .unwrap()
            .contains("no migration has version 4")
    );
}

#[test]
fn checked_after_of_a_diesel_directory_takes_its_stored_form() {
    let report = run(
        Config::default(),
        vec![
            file(
                "2018-01-01-000000_first/up.sql",
                "CREATE TABLE a (id INTEGER);",
            ),
            file("2018-01-01-000000_first/down.sql", ""),
            file(
                "2024-03-13-170000_second/up.sql",
                "CREATE TABLE b (id INTEGER);",
            ),
            file("2024-03-13-170000_second/down.sql", "DROP TABLE b;"),
        ],
    );
    assert_eq!(rules(&report), ["empty-section"]);
    let config = Config {
        checked_after: Some("20180101000000".into()),
        ..Config::default()
    };
    let report = run(
        config,
        vec![
            file(
                "2018-01-01-000000_first/up.sql",
                "CREATE TABLE a (id INTEGER);",
            ),
            file("2018-01-01-000000_first/down.sql", ""),
            file(
                "2024-03-13-170000_second/up.sql",
                "CREATE TABLE b (id INTEGER);",
            ),
            file("2024-03-13-170000_second/down.sql", "DROP TABLE b;"),
        ],
    );
    assert!(report.diagnostics.is_empty(), "{}", report.render(false));
    assert_eq!(report.history.migrations, 1);
}

// ---------------------------------------------------------------------------
// Downs and markers as the runner will run them.

#[test]
fn an_empty_down_is_irreversible_unless_it_says_why() {
    let report = sqlite(vec![file(
        "0001_a.sql",
        "-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\n",
    )]);
    assert_eq!(rules(&report), ["empty-section"]);
    let m = &report.migrations[0];
    assert!(m.down.is_none());
    assert!(
        m.irreversible
            .as_deref()
            .unwrap()
            .contains("down section is empty")
    );

    let report = sqlite(vec![file(
        "0001_a.sql",
        "-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\n-- migrate:empty: the table is kept on rollback, on purpose\n",
    )]);
    assert!(report.diagnostics.is_empty(), "{}", report.render(false));
    let m = &report.migrations[0];
    assert_eq!(m.down.as_ref().map(|d| d.statements.len()), Some(0));
    assert!(m.irreversible.is_none());

    // An empty `down.sql` likewise.
    let report = sqlite(vec![
        file("0001_a.up.sql", "CREATE TABLE a (id INTEGER);"),
        file("0001_a.down.sql", "-- nothing\n"),
    ]);
    assert_eq!(rules(&report), ["empty-section"]);
    assert!(report.migrations[0].down.is_none());
}

#[test]
fn an_indented_marker_is_not_a_marker() {
    let report = sqlite(vec![file(
        "0001_a.sql",
        "-- migrate:up\nCREATE TABLE a (id INTEGER);\n  -- migrate:down\nDROP TABLE a;\n",
    )]);
    let found = rules(&report);
    assert!(found.contains(&"bad-directive"), "{found:?}");
    let bad = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "bad-directive")
        .unwrap();
    assert!(bad.message.contains("start of a line"), "{}", bad.message);
    // As dbmate reads it: both statements are the up section.
    assert_eq!(report.migrations[0].up.statements.len(), 2);
}

#[test]
fn flyway_and_golang_migrate_files_run_concurrent_statements_outside_a_transaction() {
    let base = "CREATE TABLE t (a int);";
    for (up, down) in [("V2__i.sql", "U2__i.sql"), ("2_i.up.sql", "2_i.down.sql")] {
        let first = if up.starts_with('V') {
            "V1__t.sql"
        } else {
            "1_t.up.sql"
        };
        let report = run(
            postgres(None),
            vec![
                file(first, &format!("{base}\n-- migrate:irreversible: test\n")),
                file(up, "CREATE INDEX CONCURRENTLY t_a ON t (a);"),
                file(down, "DROP INDEX CONCURRENTLY t_a;"),
            ],
        );
        let found = rules(&report);
        assert!(
            !found.contains(&"concurrently-in-transaction"),
            "{up}: {found:?}"
        );
        let m = &report.migrations[1];
        assert!(!m.up.transactional, "{up}");
        assert!(!m.down.as_ref().unwrap().transactional, "{up}");
    }
    // The sections layout says so itself: no guessing there.
    let report = run(
        postgres(None),
        vec![
            file(
                "1_t.sql",
                &format!("-- migrate:up\n{base}\n-- migrate:down\nDROP TABLE t;\n"),
            ),
            file(
                "2_i.sql",
                "-- migrate:up\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n-- migrate:down\nDROP INDEX t_a;\n",
            ),
        ],
    );
    assert!(rules(&report).contains(&"concurrently-in-transaction"));
}

#[test]
fn a_statement_the_checker_cannot_read_can_be_allowed() {
    let sql = "-- migrate:up\nCREATE SEQUENCE s;\n-- migrate:allow(parse-error): the server takes it; the checker does not read it yet\nCREATE FROBNICATOR x WITH (y);\n-- migrate:down\nDROP SEQUENCE s;\n";
    let report = run(postgres(None), vec![file("1_s.sql", sql)]);
    assert!(report.diagnostics.is_empty(), "{}", report.render(false));
    assert_eq!(report.migrations[0].up.statements.len(), 2, "it still runs");
    // Without the allow, it is an error as before.
    let report = run(
        postgres(None),
        vec![file("1_s.sql", &sql.replace("-- migrate:allow(parse-error): the server takes it; the checker does not read it yet\n", ""))],
    );
    assert_eq!(rules(&report), ["parse-error"]);
}

#[test]
fn files_beside_diesel_directories_are_not_migrations() {
    let report = sqlite(vec![
        file("2024-01-01-000000_a/up.sql", "CREATE TABLE a (id INTEGER);"),
        file("2024-01-01-000000_a/down.sql", "DROP TABLE a;"),
        file("data_seed.sql", "INSERT INTO a VALUES (1);"),
    ]);
    assert_eq!(rules(&report), ["ignored-file"]);
    assert_eq!(report.diagnostics[0].severity, Severity::Warning);
    assert!(!report.has_errors());
    assert_eq!(report.migrations.len(), 1);
    // Elsewhere a misnamed file is still an error: it would be a migration.
    let report = sqlite(vec![
        file("1_a.sql", &table("a")),
        file("data_seed.sql", "SELECT 1;"),
    ]);
    assert_eq!(rules(&report), ["unknown-layout"]);
}

#[test]
fn mysql_client_delimiters_are_read_as_the_client_reads_them() {
    let sql = "-- migrate:up\nDELIMITER $$\nCREATE PROCEDURE add_one(IN x INT)\nBEGIN\n  IF x > 0 THEN\n    SELECT x + 1;\n  END IF;\n  SELECT x + 2;\nEND$$\nDELIMITER ;\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\nDROP PROCEDURE add_one;\n";
    let config = Config {
        dialect: Dialect::MySql,
        ..Config::default()
    };
    let report = run(config, vec![file("1_p.sql", sql)]);
    assert!(
        !rules(&report).contains(&"parse-error"),
        "{}",
        report.render(false)
    );
    let up = &report.migrations[0].up;
    let texts: Vec<&str> = up
        .statements
        .iter()
        .map(|s| report.statement_text(up, s))
        .collect();
    assert_eq!(
        texts,
        [
            "CREATE PROCEDURE add_one(IN x INT)\nBEGIN\n  IF x > 0 THEN\n    SELECT x + 1;\n  END IF;\n  SELECT x + 2;\nEND",
            "CREATE TABLE t (id int)"
        ]
    );
}

#[test]
fn an_unparsed_create_table_still_creates_its_table() {
    // A column's COMPRESSION (PostgreSQL 14): the checker cannot read the
    // statement, but the table it creates is new in this migration.
    let first = "-- migrate:up\n-- migrate:allow(parse-error): COMPRESSION is not read yet\nCREATE TABLE events (id bigint NOT NULL, kind text COMPRESSION pglz);\nCREATE INDEX events_kind ON events (kind);\n-- migrate:down\nDROP TABLE events;\n";
    let second = "-- migrate:up\nCREATE INDEX events_id ON events (id);\n-- migrate:down\nDROP INDEX events_id;\n";
    let report = run(
        postgres(None),
        vec![file("1_events.sql", first), file("2_index.sql", second)],
    );
    let found: Vec<(&str, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "create-index-non-concurrently")
        .map(|d| (d.rule, d.location(&report.files)))
        .collect();
    // Not in the migration that created it; in the next one, it is an
    // existing table.
    assert_eq!(
        found,
        [(
            "create-index-non-concurrently",
            "migrations/2_index.sql:2:1".to_string()
        )],
        "{}",
        report.render(false)
    );
    assert!(!rules(&report).contains(&"parse-error"));
    assert!(
        !rules(&report).contains(&"unused-allow"),
        "the statement did not parse"
    );
}

#[test]
fn postgres_18_not_null_constraints_parse_and_need_18() {
    let sql = "-- migrate:up\nCREATE TABLE events (id bigint, kind text, CONSTRAINT events_kind_nn NOT NULL kind, NOT NULL id);\n-- migrate:down\nDROP TABLE events;\n";
    let report = run(postgres(None), vec![file("1_e.sql", sql)]);
    assert_eq!(
        rules(&report),
        ["syntax-needs-server-version"],
        "{}",
        report.render(false)
    );
    assert!(
        report.diagnostics[0]
            .message
            .contains("needs PostgreSQL 18")
    );
    let config = Config {
        dialect: Dialect::Postgres,
        postgres_version: "18".parse().unwrap(),
        ..Config::default()
    };
    let report = run(config, vec![file("1_e.sql", sql)]);
    assert!(report.diagnostics.is_empty(), "{}", report.render(false));
}
