//! `cargo migrate seed` against fresh databases: SQLite always, PostgreSQL
//! and MariaDB when reachable (required under `CI=true`), each test in a
//! database of its own. Seeds run once per change and per environment, and
//! nothing runs when the check finds an error.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn cli() -> Command {
    Command::cargo_bin("cargo-migrate").expect("the binary is built")
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Server {
    Sqlite,
    Postgres,
    MySql,
}

/// A fresh database of its own, dropped at the end.
struct Db {
    server: Server,
    name: String,
    url: String,
}

fn postgres_base() -> String {
    std::env::var("MIGRATE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn mysql_base() -> String {
    std::env::var("MIGRATE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
}

fn pg_admin() -> Result<migrate_runtime::postgres::Client, String> {
    migrate_runtime::postgres::Client::connect(
        &format!("{}/postgres", postgres_base()),
        migrate_runtime::postgres::NoTls,
    )
    .map_err(|e| e.to_string())
}

fn my_conn(url: &str) -> Result<migrate_runtime::mysql::Conn, String> {
    let opts = migrate_runtime::mysql::Opts::from_url(url).map_err(|e| e.to_string())?;
    migrate_runtime::mysql::Conn::new(
        migrate_runtime::mysql::OptsBuilder::from_opts(opts).prefer_socket(false),
    )
    .map_err(|e| e.to_string())
}

impl Db {
    /// `None` (after saying why) when the server is unreachable outside CI.
    fn create(server: Server) -> Option<Db> {
        use migrate_runtime::mysql::prelude::Queryable;
        let name = unique("cli_seed");
        let created = match server {
            Server::Sqlite => Ok(format!(
                "sqlite://{}",
                std::env::temp_dir().join(format!("{name}.db")).display()
            )),
            Server::Postgres => pg_admin()
                .and_then(|mut c| {
                    c.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                        .map_err(|e| e.to_string())
                })
                .map(|()| format!("{}/{name}", postgres_base())),
            Server::MySql => my_conn(&mysql_base())
                .and_then(|mut c| {
                    c.query_drop(format!("CREATE DATABASE `{name}`"))
                        .map_err(|e| e.to_string())
                })
                .map(|()| format!("{}/{name}", mysql_base())),
        };
        match created {
            Ok(url) => Some(Db { server, name, url }),
            Err(why) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "{server:?} is unreachable under CI=true: {why}"
                );
                eprintln!("skipping: {server:?} is unreachable ({why})");
                None
            }
        }
    }

    /// The first column of the first row, as a number.
    fn count(&self, sql: &str) -> i64 {
        use migrate_runtime::mysql::prelude::Queryable;
        match self.server {
            Server::Sqlite => {
                let path = &self.url["sqlite://".len()..];
                migrate_runtime::rusqlite::Connection::open(path)
                    .unwrap()
                    .query_row(sql, [], |r| r.get(0))
                    .unwrap()
            }
            Server::Postgres => {
                let mut c = migrate_runtime::postgres::Client::connect(
                    &self.url,
                    migrate_runtime::postgres::NoTls,
                )
                .unwrap();
                c.query_one(sql, &[]).unwrap().get(0)
            }
            Server::MySql => my_conn(&self.url)
                .unwrap()
                .query_first::<i64, _>(sql)
                .unwrap()
                .unwrap(),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        use migrate_runtime::mysql::prelude::Queryable;
        match self.server {
            Server::Sqlite => {
                let path = &self.url["sqlite://".len()..];
                for suffix in ["", "-journal", "-migrate-lock"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Server::Postgres => {
                if let Ok(mut c) = pg_admin() {
                    let _ = c.batch_execute(&format!(
                        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                        self.name
                    ));
                }
            }
            Server::MySql => {
                if let Ok(mut c) = my_conn(&mysql_base()) {
                    let _ = c.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
                }
            }
        }
    }
}

/// A project directory: `migrations/` and `seeds/` beside it, removed at the end.
struct Project(PathBuf);

impl Project {
    fn new(server: Server) -> Project {
        let root = std::env::temp_dir().join(unique("cli_seed_project"));
        std::fs::create_dir_all(root.join("migrations")).unwrap();
        std::fs::create_dir_all(root.join("seeds")).unwrap();
        let column = match server {
            Server::Postgres => "text",
            Server::MySql => "VARCHAR(80)",
            Server::Sqlite => "TEXT",
        };
        let p = Project(root);
        p.write(
            "migrations/1_countries.sql",
            &format!(
                "-- migrate:up\nCREATE TABLE countries (code {column} PRIMARY KEY, name {column} NOT NULL);\n-- migrate:down\nDROP TABLE countries;\n"
            ),
        );
        p
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.0.join(rel), text).unwrap();
    }

    fn migrations(&self) -> PathBuf {
        self.0.join("migrations")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An idempotent insert of countries in the server's dialect.
fn upsert(server: Server, rows: &[(&str, &str)]) -> String {
    let values: Vec<String> = rows
        .iter()
        .map(|(code, name)| format!("('{code}', '{name}')"))
        .collect();
    let conflict = match server {
        Server::MySql => "ON DUPLICATE KEY UPDATE name = VALUES(name)",
        _ => "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
    };
    format!(
        "INSERT INTO countries (code, name) VALUES {}\n{conflict};\n",
        values.join(", ")
    )
}

/// Runs `cargo migrate seed` with `args`; returns (exit code, stdout, stderr).
fn seed(db: &Db, dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = cli()
        .arg("seed")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env("DATABASE_URL", &db.url)
        .env_remove("MIGRATE_ENV")
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn seeds_run_once_per_change_and_per_environment(server: Server) {
    let Some(db) = Db::create(server) else {
        return;
    };
    let project = Project::new(server);
    project.write(
        "seeds/01_countries.sql",
        &upsert(server, &[("fr", "France"), ("de", "Germany")]),
    );
    project.write(
        "seeds/02_dev_countries.sql",
        &format!(
            "-- migrate:env(dev, test)\n{}",
            upsert(server, &[("zz", "Testland")])
        ),
    );
    let dir = project.migrations();
    let count = || db.count("SELECT COUNT(*) FROM countries");

    // A fresh database: the migration, then the unrestricted seed only.
    let (code, out, err) = seed(&db, &dir, &["--env", "prod"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("applied 1 migration(s) first:\n  1 "), "{out}");
    assert!(
        out.contains("1 seed(s) ran, 0 unchanged, 1 for other environments (environment: prod"),
        "{out}"
    );
    assert_eq!(count(), 2);

    // Unchanged: nothing runs again.
    let (code, out, _) = seed(&db, &dir, &["--env", "prod"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("0 seed(s) ran, 1 unchanged, 1 for other environments"),
        "{out}"
    );
    assert!(!out.contains("migration(s) first"), "{out}");

    // Another environment runs what is limited to it, once.
    let (_, out, _) = seed(&db, &dir, &["--env", "dev"]);
    assert!(
        out.contains("1 seed(s) ran, 1 unchanged, 0 for other"),
        "{out}"
    );
    assert_eq!(count(), 3);
    let (_, out, _) = seed(&db, &dir, &["--env", "dev"]);
    assert!(out.contains("0 seed(s) ran, 2 unchanged"), "{out}");

    // A changed seed runs again; the unchanged one does not.
    project.write(
        "seeds/01_countries.sql",
        &upsert(
            server,
            &[("fr", "France"), ("de", "Germany"), ("it", "Italy")],
        ),
    );
    let (_, out, _) = seed(&db, &dir, &["--env", "dev"]);
    assert!(out.contains("applied again (changed)"), "{out}");
    assert!(out.contains("1 seed(s) ran, 1 unchanged"), "{out}");
    assert_eq!(count(), 4);
    assert_eq!(db.count("SELECT COUNT(*) FROM migrate_history_seeds"), 2);
    assert_eq!(db.count("SELECT COUNT(*) FROM migrate_history"), 1);

    // A seed the linter rejects: nothing runs, not even the changed seed before it.
    project.write(
        "seeds/01_countries.sql",
        &upsert(server, &[("fr", "France"), ("es", "Spain")]),
    );
    project.write(
        "seeds/03_more.sql",
        "INSERT INTO countries (code, name) VALUES ('pt', 'Portugal');\n",
    );
    let (code, out, err) = seed(&db, &dir, &["--env", "dev"]);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(out.contains("error[seed-not-idempotent]"), "{out}");
    assert!(out.contains("seeds/03_more.sql:1:1"), "{out}");
    assert!(err.contains("nothing was run"), "{err}");
    assert_eq!(count(), 4);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM countries WHERE code IN ('es', 'pt')"),
        0
    );
}

#[test]
fn sqlite_seeds_run_once_per_change_and_per_environment() {
    seeds_run_once_per_change_and_per_environment(Server::Sqlite);
}

#[test]
fn postgres_seeds_run_once_per_change_and_per_environment() {
    seeds_run_once_per_change_and_per_environment(Server::Postgres);
}

#[test]
fn mariadb_seeds_run_once_per_change_and_per_environment() {
    seeds_run_once_per_change_and_per_environment(Server::MySql);
}

#[test]
fn seeds_flag_environment_variable_and_usage_errors() {
    let Some(db) = Db::create(Server::Sqlite) else {
        return;
    };
    let project = Project::new(Server::Sqlite);
    std::fs::create_dir_all(project.0.join("reference")).unwrap();
    project.write(
        "reference/01_test.sql",
        "-- migrate:env(test)\nINSERT OR IGNORE INTO countries (code, name) VALUES ('zz', 'Testland');\n",
    );
    let dir = project.migrations();

    // No `seeds` beside the migrations: a usage error naming the directory.
    std::fs::remove_dir(project.0.join("seeds")).unwrap();
    let (code, _, err) = seed(&db, &dir, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no seeds directory") && err.contains("--seeds"),
        "{err}"
    );

    // `--seeds DIR`, and the environment from MIGRATE_ENV.
    let out = cli()
        .arg("seed")
        .arg("--dir")
        .arg(&dir)
        .arg("--seeds")
        .arg(project.0.join("reference"))
        .env("DATABASE_URL", &db.url)
        .env("MIGRATE_ENV", "test")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("1 seed(s) ran") && text.contains("environment: test"),
        "{text}"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM countries"), 1);

    // An environment `-- migrate:env` could not name.
    let (code, _, err) = seed(&db, &dir, &["--env", "Prod", "--seeds", "x"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("invalid environment `Prod`"), "{err}");
}

#[test]
fn lint_checks_the_seeds_beside_the_migrations() {
    let project = Project::new(Server::Sqlite);
    project.write(
        "seeds/01_countries.sql",
        "INSERT INTO countries (code, name) VALUES ('fr', 'France');\n",
    );
    let out = cli()
        .args(["lint", "--dialect", "sqlite"])
        .arg(project.migrations())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[seed-not-idempotent]"), "{text}");
    assert!(text.contains("1 error in 1 migration and 1 seed"), "{text}");

    project.write(
        "seeds/01_countries.sql",
        "INSERT OR IGNORE INTO countries (code, name) VALUES ('fr', 'France');\n",
    );
    let out = cli()
        .args(["lint", "--dialect", "sqlite"])
        .arg(project.migrations())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("1 migration and 1 seed checked (") && text.contains("), no errors"),
        "{text}"
    );
}
