//! The whole workflow as a new user runs it, against fresh SQLite,
//! PostgreSQL and MariaDB databases: `init`, `new`, `lint`, `status` (exit
//! codes), `up --dry-run` (changes nothing), `up`, `down --steps 1`, and a
//! `deploy` that rolls back what it applied when a migration fails.

mod support;

use support::{Db, Project, SECRET, Server, listed};

struct Sql {
    dialect: &'static str,
    users: &'static str,
    posts: &'static str,
    tags: &'static str,
    broken: &'static str,
}

const SQLITE: Sql = Sql {
    dialect: "sqlite",
    users: "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n",
    posts: "-- migrate:up\nCREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE posts;\n",
    tags: "-- migrate:up\nCREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE tags;\n",
    // The INSERT fails: the whole transaction, CREATE TABLE included, is rolled back.
    broken: "-- migrate:up\nCREATE TABLE broken_t (id INTEGER PRIMARY KEY);\nINSERT INTO missing_table VALUES (1);\n\n-- migrate:down\nDROP TABLE broken_t;\n",
};

const POSTGRES: Sql = Sql {
    dialect: "postgres",
    users: "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n",
    posts: "-- migrate:up\nCREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL);\n\n-- migrate:down\nDROP TABLE posts;\n",
    tags: "-- migrate:up\nCREATE TABLE tags (id bigint PRIMARY KEY, label text NOT NULL);\n\n-- migrate:down\nDROP TABLE tags;\n",
    broken: "-- migrate:up\nCREATE TABLE broken_t (id bigint PRIMARY KEY);\nINSERT INTO missing_table VALUES (1);\n\n-- migrate:down\nDROP TABLE broken_t;\n",
};

const MARIADB: Sql = Sql {
    dialect: "mysql",
    users: "-- migrate:up\nCREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n",
    posts: "-- migrate:up\nCREATE TABLE posts (id BIGINT PRIMARY KEY, title VARCHAR(200) NOT NULL);\n\n-- migrate:down\nDROP TABLE posts;\n",
    tags: "-- migrate:up\nCREATE TABLE tags (id BIGINT PRIMARY KEY, label VARCHAR(200) NOT NULL);\n\n-- migrate:down\nDROP TABLE tags;\n",
    // DDL commits on its own on MariaDB: the failing ALTER leaves the
    // migration recorded dirty with no statement done, which deploy clears.
    broken: "-- migrate:up\nALTER TABLE missing_table ADD COLUMN x INT;\n\n-- migrate:down\nALTER TABLE missing_table DROP COLUMN x;\n",
};

fn workflow(server: Server, sql: &Sql) {
    let Some(db) = Db::create(server, "cli_wf") else {
        return;
    };
    let mut p = Project::new("wf");
    p.url = Some(db.url.clone());
    let mut transcript = String::new();
    let mut run = |args: &[&str]| {
        let r = p.run(args);
        transcript.push_str(&r.all());
        r
    };

    // init: the three files, then idempotent.
    let r = run(&["init", "--dialect", sql.dialect]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(p.root.join("migrations").is_dir());
    let toml = std::fs::read_to_string(p.root.join("migrate.toml")).unwrap();
    assert!(
        toml.contains(&format!("dialect = \"{}\"", sql.dialect)),
        "{toml}"
    );
    let build = std::fs::read_to_string(p.root.join("build.rs")).unwrap();
    assert!(
        build.contains("cargo:rerun-if-changed=migrations"),
        "{build}"
    );
    let r = run(&["init", "--dialect", "sqlite"]);
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout.matches("exists").count(), 3, "{r:?}");
    assert_eq!(
        std::fs::read_to_string(p.root.join("migrate.toml")).unwrap(),
        toml,
        "never overwritten"
    );

    // new + lint.
    let v1 = p.new_migration("create_users", sql.users);
    let v2 = p.new_migration("create_posts", sql.posts);
    assert!(v2 > v1, "{v1} {v2}");
    let r = run(&["lint"]);
    assert_eq!(r.code, Some(0), "{r:?}");

    // status exits 1 while anything is pending.
    let r = run(&["status"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stdout.matches("pending").count(), 2, "{r:?}");
    assert_eq!(run(&["status", "--exit-zero"]).code, Some(0));

    // up --dry-run prints the SQL and changes nothing.
    let r = run(&["up", "--dry-run"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("CREATE TABLE users"), "{r:?}");
    assert!(r.stdout.contains("CREATE TABLE posts"), "{r:?}");
    assert!(db.tables().is_empty(), "{:?}", db.tables());
    assert_eq!(run(&["status"]).stdout.matches("pending").count(), 2);
    if let Some(file) = db.url.strip_prefix("sqlite://") {
        assert!(
            !std::path::Path::new(file).exists(),
            "status and --dry-run do not even create the SQLite file"
        );
    }

    // up, then status is clean.
    let r = run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        listed(&r.stdout, "applied 2:"),
        [v1.as_str(), v2.as_str()],
        "{r:?}"
    );
    assert_eq!(db.tables(), ["posts", "users"]);
    let r = run(&["status"]);
    assert_eq!(r.code, Some(0), "{r:?}");

    // down --steps 1 rolls back the newest only.
    let r = run(&["down", "--steps", "1"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(listed(&r.stdout, "rolled back 1:"), [v2.as_str()], "{r:?}");
    assert_eq!(db.tables(), ["users"]);
    assert_eq!(run(&["status"]).code, Some(1));
    assert_eq!(run(&["up"]).code, Some(0));

    // deploy: tags applies, broken fails, tags is rolled back.
    let v3 = p.new_migration("create_tags", sql.tags);
    let v4 = p.new_migration("broken", sql.broken);
    let r = run(&["deploy"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stdout.contains(&format!("deploy FAILED at {v4} broken")),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains(&format!("  applied by this run:\n    {v3} create_tags\n")),
        "{r:?}"
    );
    assert!(
        r.stdout.contains(&format!(
            "  rolled back (newest first):\n    {v3} create_tags\n"
        )),
        "{r:?}"
    );
    assert!(r.stdout.contains("back where it was"), "{r:?}");
    assert_eq!(db.tables(), ["posts", "users"], "{r:?}");
    let r = run(&["status"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stdout.matches("pending").count(), 2, "{r:?}");
    assert!(r.stdout.contains("2 applied"), "{r:?}");

    assert!(!transcript.contains(SECRET), "the password never shows");
}

#[test]
fn sqlite_workflow() {
    workflow(Server::Sqlite, &SQLITE);
}

#[test]
fn postgres_workflow() {
    workflow(Server::Postgres, &POSTGRES);
}

#[test]
fn mariadb_workflow() {
    workflow(Server::MariaDb, &MARIADB);
}

/// A migration outside a transaction that fails after a statement took
/// effect: deploy leaves everything applied and says how to resolve it.
#[test]
fn postgres_deploy_stops_at_a_dirty_migration_and_resolve_settles_it() {
    let Some(db) = Db::create(Server::Postgres, "cli_dirty") else {
        return;
    };
    let mut p = Project::new("dirty");
    p.url = Some(db.url.clone());
    assert_eq!(p.run(&["init", "--dialect", "postgres"]).code, Some(0));
    let v1 = p.new_migration("create_users", POSTGRES.users);
    let v2 = p.new_migration(
        "index_users",
        "-- migrate:up\n-- migrate:no-transaction\n\
         CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n\
         CREATE INDEX CONCURRENTLY IF NOT EXISTS users_missing_idx ON users (missing_column);\n\n\
         -- migrate:down\n-- migrate:no-transaction\n\
         DROP INDEX CONCURRENTLY IF EXISTS users_missing_idx;\n\
         DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n",
    );
    let r = p.run(&["deploy"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stdout.contains(&format!("{v2} index_users is DIRTY")),
        "{r:?}"
    );
    assert!(r.stdout.contains("NOT rolled back"), "{r:?}");
    assert!(
        r.stdout
            .contains(&format!("cargo migrate resolve {v2} --rolled-back")),
        "{r:?}"
    );
    assert!(r.stdout.contains("cargo migrate down --to 0"), "{r:?}");
    assert_eq!(db.tables(), ["users"], "users stays applied");
    let r = p.run(&["status"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("dirty (up, 1 done)"), "{r:?}");
    // Anything else refuses while it is dirty.
    let r = p.run(&["up"]);
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("is dirty"), "{r:?}");

    // Fix the cause, then continue from the statement that failed.
    db.exec("ALTER TABLE users ADD COLUMN missing_column text");
    let r = p.run(&["resolve", &v2, "--resume"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains(&format!("resumed {v2}")), "{r:?}");
    assert_eq!(p.run(&["status"]).code, Some(0));
    let r = p.run(&["down", "--to", "0"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        listed(&r.stdout, "rolled back 2:"),
        [v2.as_str(), v1.as_str()],
        "{r:?}"
    );
    assert!(db.tables().is_empty());
    assert!(!r.all().contains(SECRET));
}

/// On MariaDB every section is tracked statement by statement: a failure
/// after a DDL statement took effect leaves the migration dirty, and deploy
/// rolls back nothing; undone by hand and resolved, the deploy is taken back.
#[test]
fn mariadb_deploy_stops_at_a_dirty_migration_and_resolve_settles_it() {
    let Some(db) = Db::create(Server::MariaDb, "cli_mdirty") else {
        return;
    };
    let mut p = Project::new("mdirty");
    p.url = Some(db.url.clone());
    assert_eq!(p.run(&["init", "--dialect", "mysql"]).code, Some(0));
    let v1 = p.new_migration("create_users", MARIADB.users);
    let v2 = p.new_migration(
        "two_tables",
        "-- migrate:up\n\
         -- migrate:allow(non-transactional-ddl-batch): the test needs a failure after a DDL took effect\n\
         CREATE TABLE a (id BIGINT PRIMARY KEY);\n\
         ALTER TABLE missing_table ADD COLUMN x INT;\n\n\
         -- migrate:down\nDROP TABLE a;\n",
    );
    let r = p.run(&["deploy"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stdout.contains(&format!("{v2} two_tables is DIRTY")),
        "{r:?}"
    );
    assert!(r.stdout.contains("NOT rolled back"), "{r:?}");
    assert_eq!(db.tables(), ["a", "users"]);
    // Undo what took effect, forget the migration, take the deploy back.
    db.exec("DROP TABLE a");
    let r = p.run(&["resolve", &v2, "--rolled-back"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let r = p.run(&["down", "--to", "0"]);
    assert_eq!(listed(&r.stdout, "rolled back 1:"), [v1.as_str()], "{r:?}");
    assert!(db.tables().is_empty());
}

#[test]
fn sqlite_redo_baseline_and_down_to() {
    redo_baseline_and_down_to(Server::Sqlite, &SQLITE);
}

#[test]
fn postgres_redo_baseline_and_down_to() {
    redo_baseline_and_down_to(Server::Postgres, &POSTGRES);
}

#[test]
fn mariadb_redo_baseline_and_down_to() {
    redo_baseline_and_down_to(Server::MariaDb, &MARIADB);
}

fn redo_baseline_and_down_to(server: Server, sql: &Sql) {
    let Some(db) = Db::create(server, "cli_ops") else {
        return;
    };
    let mut p = Project::new("ops");
    p.url = Some(db.url.clone());
    assert_eq!(p.run(&["init", "--dialect", sql.dialect]).code, Some(0));
    let v1 = p.new_migration("create_users", sql.users);
    let v2 = p.new_migration("create_posts", sql.posts);
    let v3 = p.new_migration("create_tags", sql.tags);

    // baseline: the schema of v1 exists already (made by another tool).
    let r = p.run(&["baseline", &v1, "--dry-run"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("recorded as applied"), "{r:?}");
    let r = p.run(&["baseline", &v1]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("recorded 1 as applied"), "{r:?}");
    assert!(db.tables().is_empty(), "baseline runs no SQL");
    let r = p.run(&["baseline", &v2]);
    assert_ne!(r.code, Some(0), "baseline needs an empty history: {r:?}");

    // up applies the rest; redo reverts and re-applies the newest.
    let r = p.run(&["up"]);
    assert_eq!(
        listed(&r.stdout, "applied 2:"),
        [v2.as_str(), v3.as_str()],
        "{r:?}"
    );
    let r = p.run(&["redo"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout.contains(&format!("rolled back {v3} create_tags"))
            && r.stdout.contains(&format!("applied {v3} create_tags")),
        "{r:?}"
    );

    // down --to v1 reverts v3 then v2, newest first; v1 stays.
    let r = p.run(&["down", "--to", &v1, "--dry-run"]);
    assert_eq!(r.code, Some(0));
    let tags_at = r.stdout.find("DROP TABLE tags").expect("plan shows SQL");
    let posts_at = r.stdout.find("DROP TABLE posts").expect("plan shows SQL");
    assert!(tags_at < posts_at, "{r:?}");
    assert_eq!(db.tables(), ["posts", "tags"]);
    let r = p.run(&["down", "--to", &v1]);
    assert_eq!(
        listed(&r.stdout, "rolled back 2:"),
        [v3.as_str(), v2.as_str()],
        "{r:?}"
    );
    assert!(db.tables().is_empty());
    // --to and --steps exclude each other; --steps 0 is refused.
    assert_eq!(p.run(&["down", "--to", &v1, "--steps", "1"]).code, Some(2));
    assert_eq!(p.run(&["down", "--steps", "0"]).code, Some(2));
    // resolve needs one resolution and a dirty migration.
    assert_eq!(p.run(&["resolve", &v1]).code, Some(2));
    let r = p.run(&["resolve", &v1, "--applied"]);
    assert_ne!(r.code, Some(0), "{r:?}");
}

#[test]
fn deploy_and_down_list_one_migration_per_line() {
    let Some(db) = Db::create(Server::Sqlite, "cli_lines") else {
        return;
    };
    let mut p = Project::new("lines");
    p.url = Some(db.url.clone());
    let versions: Vec<String> = (1..=60).map(|i| format!("{i:03}")).collect();
    for v in &versions {
        p.file(
            &format!("migrations/{v}_table_{v}.sql"),
            &format!(
                "-- migrate:up\nCREATE TABLE t{v} (id INTEGER PRIMARY KEY);\n\
                 -- migrate:down\nDROP TABLE t{v};\n"
            ),
        );
    }
    let r = p.run(&["deploy"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(listed(&r.stdout, "deployed 60:"), versions, "{r:?}");
    assert!(
        r.stdout
            .contains("deployed 60:\n  001 table_001\n  002 table_002\n"),
        "{r:?}"
    );
    let r = p.run(&["down", "--to", "0"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let mut newest_first = versions.clone();
    newest_first.reverse();
    assert_eq!(listed(&r.stdout, "rolled back 60:"), newest_first, "{r:?}");
    // No line lists two versions.
    assert!(r.stdout.lines().all(|l| !l.contains(", ")), "{r:?}");
    let r = p.run(&["baseline", "060"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        listed(&r.stdout, "recorded 60 as applied"),
        versions,
        "{r:?}"
    );
}

#[test]
fn a_dirty_migration_is_explained_with_the_cli_commands() {
    let Some(db) = Db::create(Server::Sqlite, "cli_hint") else {
        return;
    };
    let mut p = Project::new("hint");
    p.url = Some(db.url.clone());
    // Outside a transaction: the first statement takes effect, the second fails.
    p.file(
        "migrations/001_half.sql",
        "-- migrate:up\n-- migrate:no-transaction\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n\
         INSERT INTO missing_table VALUES (1);\n-- migrate:down\nDROP TABLE a;\n",
    );
    let failed = p.run(&["up"]);
    assert_ne!(failed.code, Some(0), "{failed:?}");
    // The next run is refused: the migration is dirty.
    let refused = p.run(&["up"]);
    assert_ne!(refused.code, Some(0), "{refused:?}");
    for r in [&failed, &refused] {
        let text = r.all();
        assert!(
            text.contains("`cargo migrate resolve 001 --resume`")
                && text.contains("`cargo migrate resolve 001 --applied`")
                && text.contains("`cargo migrate resolve 001 --rolled-back`"),
            "{r:?}"
        );
        assert!(
            !text.contains("migrator.resolve"),
            "the Rust call is for applications: {r:?}"
        );
        assert!(!text.contains("Resolution::"), "{r:?}");
    }
    assert!(refused.stderr.contains("is dirty"), "{refused:?}");
}

#[test]
fn read_only_commands_run_when_the_check_fails_and_changes_are_refused() {
    let Some(db) = Db::create(Server::Sqlite, "cli_readonly") else {
        return;
    };
    let mut p = Project::new("readonly");
    p.url = Some(db.url.clone());
    p.file("migrations/1_users.sql", SQLITE.users);
    assert_eq!(p.run(&["up"]).code, Some(0));
    // A new migration without a down section fails the check.
    p.file(
        "migrations/2_posts.sql",
        "-- migrate:up\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    );
    let note = "note: the migrations fail the check (1 error; `cargo migrate lint` shows them)";
    let r = p.run(&["status"]);
    assert_eq!(r.code, Some(1), "one pending: {r:?}");
    assert!(
        r.stderr
            .contains(&format!("{note}: showing the status anyway")),
        "{r:?}"
    );
    assert_eq!(r.stderr.lines().count(), 1, "one line: {r:?}");
    assert!(
        r.stdout.contains("applied") && r.stdout.contains("pending"),
        "{r:?}"
    );
    for args in [
        &["up", "--dry-run"][..],
        &["down", "--dry-run"],
        &["redo", "--dry-run"],
        &["baseline", "1", "--dry-run"],
    ] {
        let r = p.run(args);
        assert!(
            r.stderr
                .contains(&format!("{note}: showing the plan anyway")),
            "{args:?}: {r:?}"
        );
        assert!(
            !r.stderr.contains("error:") || args[0] == "baseline",
            "{args:?}: {r:?}"
        );
    }
    let r = p.run(&["up", "--dry-run"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("CREATE TABLE posts"), "the plan: {r:?}");
    let r = p.run(&["down", "--dry-run"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("DROP TABLE users"), "the plan: {r:?}");
    // What changes the database is refused, and changes nothing.
    for args in [&["up"][..], &["down"], &["redo"], &["deploy"]] {
        let r = p.run(args);
        assert_ne!(r.code, Some(0), "{args:?}: {r:?}");
        assert!(r.stdout.contains("missing-down"), "{args:?}: {r:?}");
    }
    assert_eq!(db.tables(), ["users"]);
}

#[test]
fn a_deploy_refuses_migrations_that_fail_the_check() {
    let db = Db::create(Server::Sqlite, "cli_refuse").expect("sqlite");
    let mut p = Project::new("refuse");
    p.url = Some(db.url.clone());
    assert_eq!(p.run(&["init"]).code, Some(0));
    // An untouched template has empty sections: an error.
    assert_eq!(p.run(&["new", "todo"]).code, Some(0));
    let r = p.run(&["deploy"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stdout.contains("empty-section"), "{r:?}");
    assert!(r.stderr.contains("deploy refused"), "{r:?}");
    assert!(!std::path::Path::new(db.url.trim_start_matches("sqlite://")).exists());
}

/// The version an old tool recorded is the one to baseline at: diesel
/// stores `2020-01-01-000000` without its dashes, Flyway's `V1.1` is `1.1`.
#[test]
fn baseline_takes_the_versions_old_tools_record() {
    for (files, recorded, pending) in [
        (
            [
                (
                    "2020-01-01-000000_users/up.sql",
                    "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
                ),
                ("2020-01-01-000000_users/down.sql", "DROP TABLE users;\n"),
                (
                    "2020-02-01-000000_posts/up.sql",
                    "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
                ),
                ("2020-02-01-000000_posts/down.sql", "DROP TABLE posts;\n"),
            ],
            "20200101000000",
            "2020-02-01-000000",
        ),
        (
            [
                (
                    "V1.1__users.sql",
                    "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
                ),
                ("U1.1__users.sql", "DROP TABLE users;\n"),
                (
                    "V1.2__posts.sql",
                    "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
                ),
                ("U1.2__posts.sql", "DROP TABLE posts;\n"),
            ],
            "1.1",
            "1.2",
        ),
    ] {
        let db = Db::create(Server::Sqlite, "cli_adopt").expect("sqlite");
        let mut p = Project::new("adopt");
        p.url = Some(db.url.clone());
        for (file, sql) in files {
            p.file(&format!("migrations/{file}"), sql);
        }
        let r = p.run(&["baseline", recorded]);
        assert_eq!(r.code, Some(0), "{r:?}");
        assert!(r.stdout.contains("recorded 1 as applied"), "{r:?}");
        let r = p.run(&["up"]);
        assert_eq!(listed(&r.stdout, "applied 1:"), [pending], "{r:?}");
        assert_eq!(db.tables(), ["posts"], "users was recorded, not created");
        // The history reads back as the same versions.
        let r = p.run(&["status"]);
        assert_eq!(r.code, Some(0), "{r:?}");
        let r = p.run(&["down", "--to", pending, "--dry-run"]);
        assert_eq!(r.code, Some(0), "{r:?}");
        assert!(r.stdout.contains("nothing to roll back"), "{r:?}");
        let r = p.run(&["down"]);
        assert_eq!(listed(&r.stdout, "rolled back 1:"), [pending], "{r:?}");
    }
}

#[test]
fn a_password_never_shows_in_a_connection_failure() {
    let p = Project::new("redact");
    p.file(
        "migrations/1_users.sql",
        "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n",
    );
    for args in [
        &["status"][..],
        &["up"],
        &["down"],
        &["deploy"],
        &["baseline", "1"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--database-url", "postgres://app:hunter2@127.0.0.1:1/app"]);
        let r = p.run(&all);
        assert_eq!(r.code, Some(2), "{args:?}: {r:?}");
        assert!(r.stderr.contains("app:***@127.0.0.1:1"), "{r:?}");
        assert!(!r.all().contains("hunter2"), "{r:?}");
    }
}

/// Deploys started together apply each migration once and all succeed.
fn concurrent_deploys(server: Server, dir: &str) {
    let Some(db) = Db::create(server, "cli_cdeploy") else {
        return;
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(dir);
    let bin = assert_cmd::cargo::cargo_bin("cargo-migrate");
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(&bin)
                .args(["deploy", "--dir"])
                .arg(&dir)
                .env("DATABASE_URL", &db.url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawns")
        })
        .collect();
    let mut applied = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        applied.extend(listed(&stdout, "deployed "));
    }
    applied.sort();
    let all = applied.len();
    applied.dedup();
    assert_eq!(all, applied.len(), "applied twice: {applied:?}");
    assert_eq!(applied.len(), 4, "{applied:?}");
}

#[test]
fn postgres_concurrent_deploys() {
    concurrent_deploys(Server::Postgres, "migrations_pg");
}

#[test]
fn mariadb_concurrent_deploys() {
    concurrent_deploys(Server::MariaDb, "migrations_mysql");
}
