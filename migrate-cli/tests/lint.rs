//! `cargo-migrate lint` end to end: real migration directories in temporary
//! project roots, the real binary, its exit codes and its output.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use serde_json::Value;

/// A temporary project root (removed on drop); the binary runs inside it.
struct Project {
    root: PathBuf,
}

impl Project {
    fn new(name: &str) -> Project {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "migrate-cli-test-{}-{name}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Project { root }
    }

    /// Writes a file (parents created) relative to the root.
    fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Project {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Runs `cargo-migrate <args>` in the root.
    fn run(&self, args: &[&str]) -> Run {
        let output = Command::cargo_bin("cargo-migrate")
            .unwrap()
            .current_dir(&self.root)
            .env_remove("NO_COLOR")
            .args(args)
            .output()
            .unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Runs `cargo-migrate lint <args> --format json` and parses stdout.
    fn json(&self, args: &[&str]) -> (Option<i32>, Vec<Value>) {
        let mut all = vec!["lint", "--format", "json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        let parsed: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {run:?}"));
        let Value::Array(items) = parsed["diagnostics"].clone() else {
            panic!("no `diagnostics` array: {run:?}")
        };
        assert!(parsed["totals"].is_object(), "no `totals`: {run:?}");
        (run.code, items)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

const CREATE_ORDERS: &str = "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n-- migrate:down\nDROP TABLE orders;\n";
const INDEX_ORDERS: &str =
    "-- migrate:up\nCREATE INDEX i ON orders (user_id);\n-- migrate:down\nDROP INDEX i;\n";

/// A postgres project whose second migration indexes an existing table.
fn indexed_orders(name: &str, config: &str) -> Project {
    let p = Project::new(name);
    // The timeout advice (warnings the runtime makes moot) is switched off
    // so that the counts below are about the index alone.
    let quiet = "require-lock-timeout = \"allow\"\nrequire-statement-timeout = \"allow\"\n";
    let config = if config.contains("[rules]") {
        format!("{config}{quiet}")
    } else {
        format!("{config}[rules]\n{quiet}")
    };
    p.file("migrations/0001_create_orders.sql", CREATE_ORDERS)
        .file("migrations/0002_add_index.sql", INDEX_ORDERS)
        .file("migrate.toml", config);
    p
}

#[test]
fn clean_directory_exits_0() {
    let p = Project::new("clean");
    p.file("migrations/0001_create_users.sql", "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "ok: 1 migration checked (2 statements, 1 file), no errors\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn empty_directory_is_clean() {
    let p = Project::new("empty-dir");
    std::fs::create_dir_all(p.root.join("migrations")).unwrap();
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "ok: 0 migrations checked (0 statements, 0 files), no errors\n"
    );
}

#[test]
fn index_on_existing_table_fails_with_location() {
    let p = indexed_orders("index", "dialect = \"postgres\"\n");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("error[create-index-non-concurrently]: CREATE INDEX on existing table"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("--> migrations/0002_add_index.sql:2:1"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("2 | CREATE INDEX i ON orders (user_id);"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .ends_with("\n\nerror: 1 error in 2 migrations (4 statements, 3 files)\n"),
        "{run:?}"
    );
    // Not a terminal: no styling.
    assert!(!run.stdout.contains('\x1b'), "{run:?}");
}

#[test]
fn json_output_has_rule_location_and_severity() {
    let p = indexed_orders("json", "dialect = \"postgres\"\n");
    let (code, items) = p.json(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(items.len(), 1, "{items:#?}");
    let d = &items[0];
    assert_eq!(d["rule"], "create-index-non-concurrently");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "migrations/0002_add_index.sql");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 1);
    // The statement, without its semicolon: columns 1 to 35 (exclusive).
    assert_eq!(d["end_line"], 2);
    assert_eq!(d["end_column"], 35);
    assert_eq!(d["version"], "0002");
    assert!(d["message"].as_str().unwrap().contains("orders"), "{d:#}");
    assert!(d["label"].is_string(), "{d:#}");
    assert!(
        d["help"].as_str().unwrap().contains("CONCURRENTLY"),
        "{d:#}"
    );
    assert!(d["lock"].as_str().unwrap().contains("SHARE"), "{d:#}");
    assert!(!d["notes"].as_array().unwrap().is_empty(), "{d:#}");
}

#[test]
fn json_of_a_clean_directory_has_no_diagnostics() {
    let p = indexed_orders("json-clean", "dialect = \"sqlite\"\n");
    let (code, items) = p.json(&[]);
    assert_eq!(code, Some(0));
    assert!(items.is_empty(), "{items:#?}");
}

#[test]
fn dialect_flag_overrides_migrate_toml() {
    // The index rule is PostgreSQL's: clean as SQLite, an error as PostgreSQL.
    let p = indexed_orders("dialect", "dialect = \"sqlite\"\n");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let run = p.run(&["lint", "--dialect", "postgres"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains("create-index-non-concurrently"),
        "{run:?}"
    );

    let p = indexed_orders("dialect-back", "dialect = \"postgres\"\n");
    assert_eq!(p.run(&["lint", "--dialect", "sqlite"]).code, Some(0));
}

#[test]
fn bad_dialect_is_a_usage_error() {
    let p = indexed_orders("bad-dialect", "");
    let run = p.run(&["lint", "--dialect", "oracle"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("unknown dialect `oracle`"), "{run:?}");
    assert_eq!(run.stdout, "");
}

#[test]
fn config_flag_reads_that_file() {
    let p = indexed_orders("config-flag", "dialect = \"sqlite\"\n");
    p.file("conf/pg.toml", "dialect = \"postgres\"\n");
    let run = p.run(&["lint", "--config", "conf/pg.toml"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains("create-index-non-concurrently"),
        "{run:?}"
    );
}

#[test]
fn missing_config_file_is_exit_2() {
    let p = indexed_orders("config-missing", "");
    let run = p.run(&["lint", "--config", "nope.toml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("error: "), "{run:?}");
    assert!(run.stderr.contains("`nope.toml`"), "{run:?}");
    assert!(run.stderr.contains("does not exist"), "{run:?}");
    assert_eq!(run.stdout, "");
}

#[test]
fn missing_default_config_means_defaults() {
    // No migrate.toml: SQLite, where the index rule does not apply.
    let p = Project::new("no-config");
    p.file("migrations/0001_create_orders.sql", CREATE_ORDERS)
        .file("migrations/0002_add_index.sql", INDEX_ORDERS);
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(0), "{run:?}");
}

#[test]
fn invalid_config_is_exit_2_naming_the_file() {
    let p = indexed_orders("config-invalid", "dialect = \"oracle\"\n");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("`migrate.toml`"), "{run:?}");
    assert!(run.stderr.contains("oracle"), "{run:?}");

    let p = indexed_orders("config-syntax", "dialect = \n");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("`migrate.toml`"), "{run:?}");

    let p = indexed_orders("config-level", "[rules]\ndrop-table = \"loud\"\n");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("drop-table"), "{run:?}");
}

#[test]
fn missing_directory_is_exit_2() {
    let p = Project::new("no-dir");
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("`migrations`"), "{run:?}");
    let run = p.run(&["lint", "db/elsewhere"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("`db/elsewhere`"), "{run:?}");
    assert_eq!(run.stdout, "");
}

#[test]
fn a_file_given_as_directory_is_exit_2() {
    let p = indexed_orders("file-as-dir", "");
    let run = p.run(&["lint", "migrate.toml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("not a directory"), "{run:?}");
}

#[test]
fn directory_argument_is_shown_as_written() {
    let p = Project::new("dir-arg");
    p.file("db/migrations/0001_create_orders.sql", CREATE_ORDERS)
        .file("db/migrations/0002_add_index.sql", INDEX_ORDERS)
        .file("migrate.toml", "dialect = \"postgres\"\n");
    let run = p.run(&["lint", "db/migrations"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("--> db/migrations/0002_add_index.sql:2:1"),
        "{run:?}"
    );
}

#[test]
fn cargo_subcommand_form_works() {
    // `cargo migrate lint` runs `cargo-migrate migrate lint`.
    let p = indexed_orders("cargo-form", "dialect = \"postgres\"\n");
    let direct = p.run(&["lint"]);
    let via_cargo = p.run(&["migrate", "lint"]);
    assert_eq!(via_cargo.code, Some(1), "{via_cargo:?}");
    assert_eq!(via_cargo.stdout, direct.stdout);
    let json = p.run(&["migrate", "lint", "--format", "json"]);
    assert_eq!(json.code, Some(1), "{json:?}");
    assert!(serde_json::from_str::<Value>(&json.stdout).is_ok());
}

#[test]
fn usage_errors_are_exit_2_and_help_is_0() {
    let p = indexed_orders("usage", "");
    for args in [
        &["lint", "--frobnicate"][..],
        &["lint", "--format", "xml"],
        &["lint", "a", "b"],
        &["frobnicate"],
        &[],
    ] {
        let run = p.run(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
    }
    let run = p.run(&["lint", "--help"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("--dialect"), "{run:?}");
    assert_eq!(p.run(&["migrate", "--help"]).code, Some(0));
}

#[test]
fn unknown_rule_in_migrate_toml_is_pointed_at() {
    let p = indexed_orders(
        "unknown-rule",
        "dialect = \"sqlite\"\n[rules]\ndrop-tabel = \"warn\"\n",
    );
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("error[unknown-rule]"), "{run:?}");
    assert!(run.stdout.contains("--> migrate.toml:3:1"), "{run:?}");
    assert!(run.stdout.contains("did you mean `drop-table`?"), "{run:?}");

    let (code, items) = p.json(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["rule"], "unknown-rule");
    assert_eq!(items[0]["file"], "migrate.toml");
    assert_eq!(items[0]["line"], 3);
    assert_eq!(items[0]["end_column"], 11);
}

#[test]
fn unknown_rule_in_explicit_config_names_that_file() {
    let p = indexed_orders("unknown-rule-flag", "");
    p.file("conf/lint.toml", "[rules]\ndrop-tabel = \"warn\"\n");
    let run = p.run(&["lint", "--config", "conf/lint.toml"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("--> conf/lint.toml:2:1"), "{run:?}");
}

#[test]
fn rule_lowered_to_warn_passes() {
    let p = indexed_orders(
        "warn",
        "dialect = \"postgres\"\n[rules]\ncreate-index-non-concurrently = \"warn\"\n",
    );
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("warning[create-index-non-concurrently]"),
        "{run:?}"
    );
    assert!(
        run.stdout.ends_with(
            "\n\nok: 2 migrations checked (4 statements, 3 files), no errors (1 warning)\n"
        ),
        "{run:?}"
    );

    let (code, items) = p.json(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["rule"], "create-index-non-concurrently");
    assert_eq!(items[0]["severity"], "warning");
}

#[test]
fn rule_set_to_allow_is_silent() {
    let p = indexed_orders(
        "allow",
        "dialect = \"postgres\"\n[rules]\ncreate-index-non-concurrently = \"allow\"\n",
    );
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "ok: 2 migrations checked (4 statements, 3 files), no errors\n"
    );
}

#[test]
fn errors_and_warnings_are_counted() {
    let p = indexed_orders(
        "counts",
        "dialect = \"postgres\"\n[rules]\ncreate-index-non-concurrently = \"warn\"\n",
    );
    p.file(
        "migrations/0003_broken.sql",
        "-- migrate:up\nCREATE TABLE (;\n-- migrate:down\nSELECT 1;\n",
    );
    let run = p.run(&["lint"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .ends_with("\n\nerror: 1 error, 1 warning in 3 migrations (6 statements, 4 files)\n"),
        "{run:?}"
    );
    // The JSON totals are the same numbers.
    let run = p.run(&["lint", "--format", "json"]);
    let parsed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        parsed["totals"],
        serde_json::json!({
            "migrations": 3, "seeds": 0, "statements": 6,
            "errors": 1, "warnings": 1, "files": 4,
            "history": 0,
            "history_unparsed": 0
        }),
        "{run:?}"
    );
    assert_eq!(parsed["diagnostics"].as_array().map(Vec::len), Some(2));
}

#[test]
fn garbage_binary_and_empty_files_are_diagnostics_not_panics() {
    let p = Project::new("garbage");
    p.file("migrations/0001_binary.sql", b"\x00\x01\x02\xffPK\x03\x04")
        .file("migrations/0002_empty.sql", b"")
        .file(
            "migrations/0003_latin1.sql",
            b"CREATE TABLE caf\xe9 (id int);",
        )
        .file(
            "migrations/0004_noise.sql",
            "lkj asd ;;; (( \"unterminated\n$$ also\n/* open",
        )
        .file(
            "migrations/0005_only_markers.sql",
            "-- migrate:up\n-- migrate:down\n",
        )
        .file("migrations/not a migration.sql", "SELECT 1;")
        .file("migrate.toml", "dialect = \"postgres\"\n");
    for dialect in ["postgres", "mysql", "sqlite"] {
        let run = p.run(&["lint", "--dialect", dialect]);
        assert_eq!(run.code, Some(1), "{dialect}: {run:?}");
        assert!(run.stdout.contains("error["), "{run:?}");
        assert!(run.stdout.contains("unreadable-file"), "{run:?}");
        assert!(run.stdout.contains("empty-section"), "{run:?}");
        assert!(run.stdout.contains("migrations/0001_binary.sql"), "{run:?}");

        let (code, items) = p.json(&["--dialect", dialect]);
        assert_eq!(code, Some(1));
        let rules: Vec<&str> = items.iter().map(|d| d["rule"].as_str().unwrap()).collect();
        for expected in ["unreadable-file", "empty-section", "unknown-layout"] {
            assert!(rules.contains(&expected), "{dialect}: {rules:?}");
        }
        assert!(items.iter().all(|d| d["line"].as_u64().unwrap() >= 1));
    }
}

#[test]
fn all_reports_the_findings_of_the_history_too() {
    let p = indexed_orders("all", "dialect = \"postgres\"\nchecked_after = \"0002\"\n");
    let (code, items) = p.json(&["--all"]);
    assert_eq!(code, Some(1));
    assert!(
        items
            .iter()
            .any(|d| d["rule"] == "create-index-non-concurrently"),
        "{items:?}"
    );
    let help = p.run(&["lint", "--help"]);
    assert!(help.stdout.contains("--all"), "{help:?}");
    assert!(help.stdout.contains("checked_after"), "{help:?}");
}
