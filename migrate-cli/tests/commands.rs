//! `init`, `new` and `lint --format sarif|github` without a database.

mod support;

use serde_json::Value;
use support::Project;

#[test]
fn init_never_clobbers_a_build_rs_and_says_what_to_add() {
    let p = Project::new("init-build");
    p.file(
        "build.rs",
        "fn main() {\n    println!(\"cargo:rerun-if-changed=proto\");\n}\n",
    );
    p.file("migrate.toml", "dialect = \"postgres\"\n");
    let r = p.run(&["init", "--dialect", "mysql"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout
            .contains("println!(\"cargo:rerun-if-changed=migrations\");"),
        "{r:?}"
    );
    assert!(r.stdout.contains("exists   migrate.toml"), "{r:?}");
    assert_eq!(
        std::fs::read_to_string(p.root.join("build.rs")).unwrap(),
        "fn main() {\n    println!(\"cargo:rerun-if-changed=proto\");\n}\n"
    );
    assert_eq!(
        std::fs::read_to_string(p.root.join("migrate.toml")).unwrap(),
        "dialect = \"postgres\"\n"
    );
    assert!(p.root.join("migrations").is_dir());
}

#[test]
fn new_follows_the_layout_and_version_style_of_the_directory() {
    // sqlx / golang-migrate pairs with sequence numbers.
    let p = Project::new("new-paired");
    p.file(
        "migrations/0007_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.file("migrations/0007_users.down.sql", "DROP TABLE users;\n");
    let r = p.run(&["new", "add_posts"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        p.migrations(),
        [
            "0007_users.down.sql",
            "0007_users.up.sql",
            "0008_add_posts.down.sql",
            "0008_add_posts.up.sql"
        ]
    );

    // diesel directories with dashed timestamps.
    let p = Project::new("new-diesel");
    p.file(
        "migrations/2020-01-01-000000_users/up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.file(
        "migrations/2020-01-01-000000_users/down.sql",
        "DROP TABLE users;\n",
    );
    assert_eq!(p.run(&["new", "posts"]).code, Some(0));
    let names = p.migrations();
    assert_eq!(names.len(), 2);
    let new_dir = &names[1];
    assert!(
        new_dir.len() == "2020-01-01-000000_posts".len() && new_dir.ends_with("_posts"),
        "{names:?}"
    );
    assert!(
        p.root
            .join("migrations")
            .join(new_dir)
            .join("up.sql")
            .is_file()
    );
    assert!(
        p.root
            .join("migrations")
            .join(new_dir)
            .join("down.sql")
            .is_file()
    );

    // Flyway.
    let p = Project::new("new-flyway");
    p.file(
        "migrations/V1__users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    p.file("migrations/U1__users.sql", "DROP TABLE users;\n");
    assert_eq!(p.run(&["new", "posts"]).code, Some(0));
    assert!(
        p.migrations().contains(&"V2__posts.sql".to_owned()),
        "{:?}",
        p.migrations()
    );
    assert!(p.migrations().contains(&"U2__posts.sql".to_owned()));

    // An empty directory: sections by default, or the layout asked for.
    let p = Project::new("new-empty");
    std::fs::create_dir_all(p.root.join("migrations")).unwrap();
    assert_eq!(p.run(&["new", "first"]).code, Some(0));
    let names = p.migrations();
    assert_eq!(names.len(), 1);
    assert!(
        names[0].len() == "20240101120000_first.sql".len(),
        "{names:?}"
    );
    let text = std::fs::read_to_string(p.root.join("migrations").join(&names[0])).unwrap();
    assert!(
        text.starts_with("-- migrate:up\n") && text.contains("\n-- migrate:down\n"),
        "{text}"
    );
    assert_eq!(
        p.run(&["new", "second", "--layout", "paired"]).code,
        Some(0)
    );
    assert_eq!(p.migrations().len(), 3);
}

#[test]
fn new_refuses_names_that_are_not_file_name_parts() {
    let p = Project::new("new-names");
    std::fs::create_dir_all(p.root.join("migrations")).unwrap();
    for bad in ["../escape", "a/b", "with space", "x.sql", ""] {
        let r = p.run(&["new", bad]);
        assert_eq!(r.code, Some(2), "{bad:?}: {r:?}");
        assert!(r.stderr.contains("migration name"), "{r:?}");
    }
    assert!(p.migrations().is_empty());
    // Without a directory: a hint to run init.
    let p = Project::new("new-nodir");
    let r = p.run(&["new", "x"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("cargo migrate init"), "{r:?}");
}

const BAD_INDEX: &str = "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n-- migrate:down\nDROP TABLE orders;\n";
const BAD_INDEX_2: &str = "-- migrate:up\nCREATE INDEX orders_user_idx ON orders (user_id);\n-- migrate:down\nDROP INDEX orders_user_idx;\n";

fn project_with_a_finding() -> Project {
    let p = Project::new("formats");
    p.file("migrate.toml", "dialect = \"postgres\"\n");
    p.file("migrations/1_orders.sql", BAD_INDEX);
    p.file("migrations/2_index,50%:x.sql", BAD_INDEX_2);
    p
}

#[test]
fn lint_sarif_is_a_sarif_2_1_0_log_for_code_scanning() {
    let p = project_with_a_finding();
    let r = p.run(&["lint", "--format", "sarif"]);
    assert_eq!(r.code, Some(1), "an error finding keeps exit 1: {r:?}");
    let log: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() > 40, "every declared rule is listed");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "create-index-non-concurrently")
        .expect("declared");
    assert!(rule["shortDescription"]["text"].as_str().unwrap().len() > 10);
    assert!(
        rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("/docs/rules/create-index-non-concurrently.md")
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().unwrap();
    let result = results
        .iter()
        .find(|r| r["ruleId"] == "create-index-non-concurrently")
        .expect("reported");
    assert_eq!(result["level"], "error");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("CREATE INDEX")
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "migrations/2_index,50%:x.sql"
    );
    let region = &location["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 1);
    assert_eq!(region["endLine"], 2);
    assert_eq!(
        region["endColumn"], 49,
        "exclusive: the column after the `)`"
    );
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "create-index-non-concurrently");
}

#[test]
fn lint_github_prints_escaped_workflow_commands() {
    let p = project_with_a_finding();
    let r = p.run(&["lint", "--format", "github"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("title=[create-index-non-concurrently]"))
        .unwrap_or_else(|| panic!("{r:?}"));
    assert!(
        line.starts_with(
            "::error file=migrations/2_index%2C50%25%3Ax.sql,line=2,col=1,endLine=2,endColumn=49,title=[create-index-non-concurrently]::"
        ),
        "{line}"
    );
    let message = line.split_once("]::").unwrap().1;
    assert!(
        message.contains("%0Ahelp: "),
        "multi-line message escaped: {message}"
    );
    assert!(!message.contains('\n'));
    assert!(
        r.stdout
            .trim_end()
            .ends_with("in 2 migrations (4 statements, 3 files)"),
        "{r:?}"
    );
    // `--dir`, as the other commands take it, is the same as the positional DIR.
    let r = p.run(&["lint", "--dir", "migrations", "--format", "github"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stdout.contains("title=[create-index-non-concurrently]"));

    // Clean migrations: no annotation, exit 0.
    let p = Project::new("formats-ok");
    p.file("migrations/1_orders.sql", BAD_INDEX);
    let r = p.run(&["lint", "--format", "github", "--dialect", "postgres"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(!r.stdout.contains("::error"));
}

const TABLE: &str =
    "-- migrate:up\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE t;\n";

#[test]
fn init_dir_is_recorded_and_every_command_falls_back_to_it() {
    let p = Project::new("init-dir");
    let r = p.run(&["init", "--dir", "db/migrations", "--dialect", "sqlite"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let toml = std::fs::read_to_string(p.root.join("migrate.toml")).unwrap();
    assert!(
        toml.contains("\nmigrations_dir = \"db/migrations\""),
        "{toml}"
    );
    assert!(p.root.join("db/migrations").is_dir());
    assert!(!p.root.join("migrations").exists());
    let build = std::fs::read_to_string(p.root.join("build.rs")).unwrap();
    assert!(build.contains("rerun-if-changed=db/migrations"), "{build}");

    // new, lint, status and up without --dir use db/migrations.
    let r = p.run(&["new", "create_t"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.starts_with("created db/migrations/"), "{r:?}");
    let created = r.stdout.trim().trim_start_matches("created ").to_owned();
    std::fs::write(p.root.join(&created), TABLE).unwrap();
    // The seeds directory follows: db/seeds.
    p.file(
        "db/seeds/countries.sql",
        "INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING;\n",
    );
    let r = p.run(&["lint"]);
    assert!(r.stdout.contains("1 migration and 1 seed checked"), "{r:?}");
    let url = format!("sqlite://{}", p.root.join("app.db").display());
    let r = p.run(&["status", "--database-url", &url]);
    assert_eq!(r.code, Some(1), "one pending: {r:?}");
    assert!(
        r.stdout.contains(" create_t ") && r.stdout.contains("pending"),
        "{r:?}"
    );
    let r = p.run(&["up", "--database-url", &url]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.starts_with("applied 1:"), "{r:?}");
    // --dir (and lint's DIR) still win over the setting.
    p.file("other/1_other.sql", TABLE);
    let r = p.run(&["lint", "other"]);
    assert!(r.stdout.contains("1 migration checked"), "{r:?}");
    let r = p.run(&["status", "--database-url", &url, "--dir", "other"]);
    assert!(r.stdout.contains("missing"), "{r:?}");
}

#[test]
fn init_over_existing_migrations_records_the_newest_as_checked_after() {
    let p = Project::new("init-history");
    // sqlx's up-only files compare numerically: 10 is the newest.
    for v in ["1", "2", "10"] {
        p.file(
            &format!("migrations/{v}_m{v}.sql"),
            &format!("CREATE TABLE t{v} (id INTEGER);\n-- migrate:irreversible: old\n"),
        );
    }
    let r = p.run(&["init", "--dialect", "sqlite"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let toml = std::fs::read_to_string(p.root.join("migrate.toml")).unwrap();
    assert!(toml.contains("\nchecked_after = \"10\""), "{toml}");
    assert!(!toml.contains("migrations_dir ="), "no --dir given: {toml}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("history  checked_after = \"10\""))
        .unwrap_or_else(|| panic!("says so: {r:?}"));
    assert!(line.contains("3 migration(s)"), "{line}");
    assert!(line.contains("delete the `checked_after` line"), "{line}");
    // The file reads back with it.
    let r = p.run(&["lint"]);
    assert_eq!(r.code, Some(0), "{r:?}");
}

#[test]
fn init_adds_missing_keys_to_an_existing_config_and_keeps_the_rest() {
    let p = Project::new("init-keep");
    let original = "# our settings\ndialect = \"postgres\"   # production\n\n[rules]\n# reviewed\ndrop-table = \"warn\"\n";
    p.file("migrate.toml", original);
    p.file("db/1_orders.sql", BAD_INDEX);
    p.file("db/2_index.sql", BAD_INDEX_2);
    let r = p.run(&["init", "--dir", "db"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout
            .contains("updated  migrate.toml (added migrations_dir and checked_after"),
        "{r:?}"
    );
    let toml = std::fs::read_to_string(p.root.join("migrate.toml")).unwrap();
    assert!(
        toml.starts_with("# our settings\ndialect = \"postgres\"   # production\n"),
        "{toml}"
    );
    assert!(
        toml.ends_with("\n[rules]\n# reviewed\ndrop-table = \"warn\"\n"),
        "{toml}"
    );
    let keys_at = toml.find("migrations_dir = \"db\"").expect("added");
    assert!(toml.find("checked_after = \"2\"").expect("added") < toml.find("[rules]").unwrap());
    assert!(keys_at < toml.find("[rules]").unwrap(), "top level: {toml}");
    // Again: nothing to add, nothing changes.
    let r = p.run(&["init", "--dir", "db"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout.contains("exists   migrate.toml (left as it is)"),
        "{r:?}"
    );
    assert_eq!(
        std::fs::read_to_string(p.root.join("migrate.toml")).unwrap(),
        toml
    );
    // Another --dir does not overwrite the recorded one.
    std::fs::create_dir_all(p.root.join("elsewhere")).unwrap();
    let r = p.run(&["init", "--dir", "elsewhere"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout
            .contains("`migrations_dir = \"db\"` is left as it is"),
        "{r:?}"
    );
    assert_eq!(
        std::fs::read_to_string(p.root.join("migrate.toml")).unwrap(),
        toml
    );
}
