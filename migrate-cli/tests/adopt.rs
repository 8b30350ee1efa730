//! `cargo migrate adopt --from TOOL` on databases that another tool
//! migrated, on SQLite, PostgreSQL and MariaDB.
//!
//! sqlx (PostgreSQL, MariaDB) and refinery (PostgreSQL) really migrate the
//! database first. Where their crates cannot run here (SQLite: their
//! libsqlite3-sys clashes with rusqlite's in one build; refinery's MySQL
//! driver would switch our `mysql` crate to its C zlib backend and bring
//! refinery's config parsing), and for diesel, dbmate,
//! golang-migrate and Flyway, the test builds the tool's table with the DDL
//! the tool runs on that backend and writes its rows as the tool writes them,
//! checksums computed as the tool computes them (sqlx's and refinery's by
//! their own crates).

mod support;

use std::path::Path;

use support::{Db, Project, Run, SECRET, Server};

// ---------- helpers ----------

/// A table per dialect, with its drop.
fn table(server: Server, name: &str) -> (String, String) {
    let create = match server {
        Server::Sqlite => {
            format!("CREATE TABLE {name} (id INTEGER PRIMARY KEY, label TEXT NOT NULL);")
        }
        Server::Postgres => {
            format!("CREATE TABLE {name} (id bigint PRIMARY KEY, label text NOT NULL);")
        }
        Server::MariaDb => {
            format!("CREATE TABLE {name} (id BIGINT PRIMARY KEY, label VARCHAR(200) NOT NULL);")
        }
    };
    (create, format!("DROP TABLE {name};"))
}

fn sqlite_path(db: &Db) -> &str {
    db.url.strip_prefix("sqlite://").expect("a SQLite URL")
}

/// Runs SQL by hand, on any of the three.
fn exec(db: &Db, sql: &str) {
    match db.server {
        Server::Sqlite => migrate_runtime::rusqlite::Connection::open(sqlite_path(db))
            .unwrap()
            .execute_batch(sql)
            .unwrap(),
        _ => db.exec(sql),
    }
}

/// The rows of a query, each as its values joined with `|`.
fn rows(db: &Db, sql: &str) -> Vec<String> {
    let text = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.replace('\t', "|"))
            .collect()
    };
    match db.server {
        Server::Postgres => text(
            std::process::Command::new("psql")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    &db.name,
                    "-tAqc",
                    sql,
                ])
                .output()
                .unwrap(),
        ),
        Server::MariaDb => text(
            std::process::Command::new("mariadb")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-u",
                    "root",
                    "-N",
                    "-B",
                    "-e",
                    sql,
                    &db.name,
                ])
                .output()
                .unwrap(),
        ),
        Server::Sqlite => {
            use migrate_runtime::rusqlite::types::ValueRef;
            let conn = migrate_runtime::rusqlite::Connection::open(sqlite_path(db)).unwrap();
            let mut stmt = conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            stmt.query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        ValueRef::Null => String::new(),
                        ValueRef::Integer(v) => v.to_string(),
                        ValueRef::Real(v) => v.to_string(),
                        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        ValueRef::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        }
    }
}

/// The versions in migrate's history, or `None` when it has no table.
fn ours(db: &Db) -> Option<Vec<String>> {
    let exists = match db.server {
        Server::Postgres => rows(db, "SELECT to_regclass('migrate_history') IS NOT NULL") == ["t"],
        Server::MariaDb => {
            rows(
                db,
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name = 'migrate_history'",
            ) == ["1"]
        }
        Server::Sqlite => {
            Path::new(sqlite_path(db)).exists()
                && rows(
                    db,
                    "SELECT COUNT(*) FROM sqlite_master WHERE name = 'migrate_history'",
                ) == ["1"]
        }
    };
    exists.then(|| {
        let mut v = rows(db, "SELECT version FROM migrate_history");
        v.sort();
        v
    })
}

fn ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(!run.all().contains(SECRET), "the password shows: {run:?}");
}

/// The migrations directory of a project, on disk.
fn dir(p: &Project) -> std::path::PathBuf {
    p.root.join("migrations")
}

fn project(db: &Db, name: &str) -> Project {
    let mut p = Project::new(name);
    p.url = Some(db.url.clone());
    std::fs::create_dir_all(dir(&p)).unwrap();
    p
}

/// `pending N` lines and `applied N` lines of adopt's output, by version.
fn items(run: &Run, kind: &str) -> Vec<String> {
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{kind} ")))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

/// The common end of a clean takeover: dry run, adopt, adopt again,
/// status, `up` applying only the pending one, their table untouched.
fn takeover(
    db: &Db,
    p: &Project,
    from: &str,
    their_table: &str,
    recorded: &[&str],
    pending: &[&str],
) {
    let theirs = rows(db, &format!("SELECT * FROM {their_table} ORDER BY 1"));
    assert!(!theirs.is_empty());

    let dry = p.run(&["adopt", "--from", from, "--dry-run"]);
    ok(&dry);
    assert_eq!(items(&dry, "applied"), recorded, "{dry:?}");
    assert_eq!(items(&dry, "pending"), pending, "{dry:?}");
    assert!(
        dry.stdout.contains(&format!(
            "would record {} migrations as applied in migrate_history",
            recorded.len()
        )),
        "{dry:?}"
    );
    assert_eq!(ours(db), None, "--dry-run writes nothing");

    let run = p.run(&["adopt", "--from", from]);
    ok(&run);
    assert_eq!(items(&run, "applied"), recorded, "{run:?}");
    assert!(
        run.stdout.lines().last().unwrap().starts_with(&format!(
            "recorded {} migrations as applied in migrate_history ({} pending); {their_table} was not changed",
            recorded.len(),
            pending.len()
        )),
        "{run:?}"
    );
    let mut expected: Vec<String> = recorded.iter().map(|v| v.to_string()).collect();
    expected.sort();
    assert_eq!(ours(db), Some(expected.clone()));

    let again = p.run(&["adopt", "--from", from]);
    ok(&again);
    assert!(again.stdout.contains("already adopted"), "{again:?}");
    assert_eq!(ours(db), Some(expected));

    let status = p.run(&["status"]);
    assert_eq!(
        status.code,
        Some(1),
        "pending ones need attention: {status:?}"
    );
    assert!(
        status.stdout.contains(&format!(
            "{} applied, {} need attention",
            recorded.len(),
            pending.len()
        )),
        "{status:?}"
    );

    let up = p.run(&["up"]);
    ok(&up);
    assert_eq!(
        support::listed(&up.stdout, &format!("applied {}:", pending.len())),
        pending.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        "{up:?}"
    );
    ok(&p.run(&["status"]));
    assert_eq!(
        rows(db, &format!("SELECT * FROM {their_table} ORDER BY 1")),
        theirs,
        "their table is untouched"
    );

    // Now migrate's history has more than the tool recorded.
    let refused = p.run(&["adopt", "--from", from]);
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused.stdout.contains(&format!(
            "migrate_history already has {} rows",
            recorded.len() + pending.len()
        )),
        "{refused:?}"
    );
}

/// A paired (sqlx, golang-migrate) migration creating `name`.
fn paired(server: Server, p: &Project, version: u32, name: &str) {
    let (create, drop) = table(server, name);
    p.file(
        &format!("migrations/{version}_{name}.up.sql"),
        &format!("{create}\n"),
    );
    p.file(
        &format!("migrations/{version}_{name}.down.sql"),
        &format!("{drop}\n"),
    );
}

fn create_tables(db: &Db, names: &[&str]) {
    for name in names {
        exec(db, &table(db.server, name).0);
    }
}

// ---------- sqlx ----------

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// sqlx's `Migrator::new(dir)` then `run`, as `sqlx migrate run` does.
fn sqlx_run(db: &Db, dir: &Path) {
    use sqlx_core::connection::Connection;
    block_on(async {
        let migrator = sqlx_core::migrate::Migrator::new(dir).await.unwrap();
        match db.server {
            Server::Postgres => {
                let mut conn = sqlx_postgres::PgConnection::connect(&db.url).await.unwrap();
                migrator.run(&mut conn).await.unwrap();
            }
            Server::MariaDb => {
                let mut conn = sqlx_mysql::MySqlConnection::connect(&db.url).await.unwrap();
                migrator.run(&mut conn).await.unwrap();
            }
            Server::Sqlite => {
                // sqlx's SQLite table as sqlx creates it, its rows as sqlx
                // writes them, the checksums from sqlx's own resolver.
                exec(
                    db,
                    "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);",
                );
                for m in migrator
                    .iter()
                    .filter(|m| m.migration_type.is_up_migration())
                {
                    let sql: &str = &m.sql;
                    exec(db, sql);
                    let hex: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
                    exec(
                        db,
                        &format!(
                            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                             VALUES ({}, '{}', TRUE, X'{hex}', 1234567)",
                            m.version, m.description
                        ),
                    );
                }
            }
        }
    });
}

fn sqlx_takeover(server: Server) {
    let Some(db) = Db::create(server, "adopt_sqlx") else {
        return;
    };
    let p = project(&db, "adopt-sqlx");
    paired(server, &p, 1, "users");
    paired(server, &p, 2, "posts");
    // sqlx hashes the file as it is, CRLF line endings included.
    let (create, _) = table(server, "posts");
    p.file(
        "migrations/2_posts.up.sql",
        &format!("-- posts\r\n{create}\r\n"),
    );
    sqlx_run(&db, &dir(&p));
    assert_eq!(db.tables().len(), 3, "{:?}", db.tables()); // and _sqlx_migrations
    paired(server, &p, 3, "tags");
    takeover(&db, &p, "sqlx", "_sqlx_migrations", &["1", "2"], &["3"]);
    assert!(db.tables().contains(&"tags".to_owned()));
}

#[test]
fn sqlx_takeover_sqlite() {
    sqlx_takeover(Server::Sqlite);
}

#[test]
fn sqlx_takeover_postgres() {
    sqlx_takeover(Server::Postgres);
}

#[test]
fn sqlx_takeover_mariadb() {
    sqlx_takeover(Server::MariaDb);
}

/// A file edited after sqlx ran it, and a row sqlx left failed, are refused
/// with nothing written.
fn sqlx_refusals(server: Server) {
    let Some(db) = Db::create(server, "adopt_sqlx_no") else {
        return;
    };
    let p = project(&db, "adopt-sqlx-no");
    paired(server, &p, 1, "users");
    paired(server, &p, 2, "posts");
    sqlx_run(&db, &dir(&p));
    let theirs = rows(&db, "SELECT * FROM _sqlx_migrations ORDER BY 1");

    let file = dir(&p).join("2_posts.up.sql");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replace("label", "title")).unwrap();
    let run = p.run(&["adopt", "--from", "sqlx"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains(
            "changed 2 posts: the file changed since it was applied: its SHA-384 differs"
        ),
        "{run:?}"
    );
    assert!(!run.stdout.contains("changed 1"), "{run:?}");
    assert!(run.stdout.contains("nothing was written"), "{run:?}");
    assert_eq!(ours(&db), None);
    std::fs::write(&file, original).unwrap();

    // sqlx on MySQL writes `success = FALSE` before running a migration and
    // leaves it there when the migration fails half way.
    exec(
        &db,
        "UPDATE _sqlx_migrations SET success = FALSE WHERE version = 2",
    );
    let run = p.run(&["adopt", "--from", "sqlx"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("failed 2: _sqlx_migrations marks it failed (success = false)"),
        "{run:?}"
    );
    assert!(run.stdout.contains("sqlx migrate run"), "{run:?}");
    assert_eq!(ours(&db), None);
    exec(
        &db,
        "UPDATE _sqlx_migrations SET success = TRUE WHERE version = 2",
    );
    assert_eq!(
        rows(&db, "SELECT * FROM _sqlx_migrations ORDER BY 1"),
        theirs
    );

    // A renamed table is read with --table.
    exec(
        &db,
        "ALTER TABLE _sqlx_migrations RENAME TO old_sqlx_history",
    );
    let run = p.run(&["adopt", "--from", "sqlx"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("there is no table `_sqlx_migrations`"),
        "{run:?}"
    );
    let run = p.run(&["adopt", "--from", "sqlx", "--table", "old_sqlx_history"]);
    ok(&run);
    assert_eq!(ours(&db), Some(vec!["1".to_owned(), "2".to_owned()]));
}

#[test]
fn sqlx_refusals_sqlite() {
    sqlx_refusals(Server::Sqlite);
}

#[test]
fn sqlx_refusals_mariadb() {
    sqlx_refusals(Server::MariaDb);
}

// ---------- refinery ----------

const IRREVERSIBLE: &str = "-- migrate:irreversible: applied by refinery before adoption\n";

fn refinery_takeover(server: Server) {
    let Some(db) = Db::create(server, "adopt_refinery") else {
        return;
    };
    let p = project(&db, "adopt-refinery");
    for (v, name) in [(1, "users"), (2, "posts")] {
        p.file(
            &format!("migrations/V{v}__{name}.sql"),
            &format!("{}\n", table(server, name).0),
        );
    }
    match server {
        Server::Postgres => {
            let migrations = refinery::load_sql_migrations(dir(&p)).unwrap();
            let mut client = migrate_runtime::postgres::Client::connect(
                &format!("host=127.0.0.1 user=postgres dbname={}", db.name),
                migrate_runtime::postgres::NoTls,
            )
            .unwrap();
            refinery::Runner::new(&migrations).run(&mut client).unwrap();
        }
        _ => {
            // refinery's table (the same DDL on every backend), its rows as
            // refinery inserts them, checksums by refinery's own code.
            exec(
                &db,
                "CREATE TABLE IF NOT EXISTS refinery_schema_history(
             version int4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255));",
            );
            for (v, name) in [(1, "users"), (2, "posts")] {
                let file = format!("V{v}__{name}.sql");
                let sql = std::fs::read_to_string(dir(&p).join(&file)).unwrap();
                let m = refinery::Migration::unapplied(&file, &sql).unwrap();
                exec(&db, &sql);
                exec(
                    &db,
                    &format!(
                        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                         VALUES ({v}, '{name}', '2024-05-01T10:00:00+00:00', '{}')",
                        m.checksum()
                    ),
                );
            }
        }
    }
    // refinery files have no down: adopting, the team says so in each file,
    // after refinery ran them.
    for (v, name) in [(1, "users"), (2, "posts")] {
        let path = dir(&p).join(format!("V{v}__{name}.sql"));
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(IRREVERSIBLE);
        std::fs::write(path, text).unwrap();
    }
    p.file(
        "migrations/V3__tags.sql",
        &format!("{}\n{IRREVERSIBLE}", table(server, "tags").0),
    );

    // An edited statement is found; the directive lines alone are not.
    let file = dir(&p).join("V2__posts.sql");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replace("label", "title")).unwrap();
    let run = p.run(&["adopt", "--from", "refinery"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains("changed 2 posts: the file changed"),
        "{run:?}"
    );
    assert_eq!(ours(&db), None);
    std::fs::write(&file, original).unwrap();

    let dry = p.run(&["adopt", "--from", "refinery", "--dry-run"]);
    ok(&dry);
    assert!(
        dry.stdout.contains(
            "applied 1 users: recorded by refinery, checksum matches once the `-- migrate:` directive lines are left out"
        ),
        "{dry:?}"
    );
    takeover(
        &db,
        &p,
        "refinery",
        "refinery_schema_history",
        &["1", "2"],
        &["3"],
    );
}

#[test]
fn refinery_takeover_sqlite() {
    refinery_takeover(Server::Sqlite);
}

#[test]
fn refinery_takeover_postgres() {
    refinery_takeover(Server::Postgres);
}

#[test]
fn refinery_takeover_mariadb() {
    refinery_takeover(Server::MariaDb);
}

// ---------- diesel ----------

fn diesel_takeover(server: Server) {
    let Some(db) = Db::create(server, "adopt_diesel") else {
        return;
    };
    let p = project(&db, "adopt-diesel");
    let names = ["users", "posts", "tags", "likes"];
    for (day, name) in names.iter().enumerate() {
        let (create, drop) = table(server, name);
        let d = format!("migrations/2024-01-0{}-000000_{name}", day + 1);
        p.file(&format!("{d}/up.sql"), &format!("{create}\n"));
        p.file(&format!("{d}/down.sql"), &format!("{drop}\n"));
    }
    // diesel's table: the same DDL on every backend.
    exec(
        &db,
        "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);",
    );
    // diesel applied users and tags (posts came from a branch merged late),
    // and a migration whose directory is gone.
    create_tables(&db, &["users", "tags"]);
    for v in ["20240101000000", "20240103000000", "20231231000000"] {
        exec(
            &db,
            &format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{v}')"),
        );
    }
    let run = p.run(&["adopt", "--from", "diesel"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("missing 20231231000000: recorded in __diesel_schema_migrations but not in"),
        "{run:?}"
    );
    assert_eq!(ours(&db), None);
    exec(
        &db,
        "DELETE FROM __diesel_schema_migrations WHERE version = '20231231000000'",
    );

    let theirs = rows(&db, "SELECT * FROM __diesel_schema_migrations ORDER BY 1");
    let run = p.run(&["adopt", "--from", "diesel"]);
    ok(&run);
    assert_eq!(
        items(&run, "applied"),
        ["2024-01-01-000000", "2024-01-03-000000"],
        "exactly the set, not everything up to the newest: {run:?}"
    );
    assert_eq!(
        items(&run, "pending"),
        ["2024-01-02-000000", "2024-01-04-000000"]
    );
    assert!(
        run.stdout.contains("pending 2024-01-02-000000 posts: not applied by diesel, and older than the newest it applied"),
        "{run:?}"
    );
    assert_eq!(
        ours(&db),
        Some(vec![
            "2024-01-01-000000".to_owned(),
            "2024-01-03-000000".to_owned()
        ])
    );
    let status = p.run(&["status"]);
    assert!(
        status
            .stdout
            .lines()
            .any(|l| l.starts_with("2024-01-02-000000") && l.contains("pending (out of order)")),
        "{status:?}"
    );
    assert!(
        status.stdout.contains("2 applied, 2 need attention"),
        "{status:?}"
    );
    let again = p.run(&["adopt", "--from", "diesel"]);
    ok(&again);
    assert!(again.stdout.contains("already adopted"), "{again:?}");
    assert_eq!(
        rows(&db, "SELECT * FROM __diesel_schema_migrations ORDER BY 1"),
        theirs
    );

    // Edited after the takeover: the same set, but not a clean one any more.
    let up = dir(&p).join("2024-01-01-000000_users/up.sql");
    let text = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, text.replace("label", "title")).unwrap();
    let changed = p.run(&["adopt", "--from", "diesel"]);
    assert_eq!(changed.code, Some(1), "{changed:?}");
    assert!(
        changed
            .stdout
            .contains("1 of them need attention since (changed or dirty)"),
        "{changed:?}"
    );
}

#[test]
fn diesel_takeover_sqlite() {
    diesel_takeover(Server::Sqlite);
}

#[test]
fn diesel_takeover_postgres() {
    diesel_takeover(Server::Postgres);
}

#[test]
fn diesel_takeover_mariadb() {
    diesel_takeover(Server::MariaDb);
}

// ---------- dbmate ----------

fn dbmate_takeover(server: Server) {
    let Some(db) = Db::create(server, "adopt_dbmate") else {
        return;
    };
    let p = project(&db, "adopt-dbmate");
    for (day, name) in ["users", "posts", "tags"].iter().enumerate() {
        let (create, drop) = table(server, name);
        p.file(
            &format!("migrations/2024010{}000000_{name}.sql", day + 1),
            &format!("-- migrate:up\n{create}\n\n-- migrate:down\n{drop}\n"),
        );
    }
    // dbmate's table as its driver creates it (the length of the Postgres
    // column varies between releases).
    exec(
        &db,
        match server {
            Server::Postgres => {
                "create table if not exists public.schema_migrations (version varchar(255) primary key)"
            }
            Server::MariaDb => {
                "create table if not exists schema_migrations (version varchar(128) primary key)"
            }
            Server::Sqlite => {
                "create table if not exists \"schema_migrations\" (version varchar(128) primary key)"
            }
        },
    );
    create_tables(&db, &["users", "posts"]);
    for v in ["20240101000000", "20240102000000"] {
        exec(
            &db,
            &format!("insert into schema_migrations (version) values ('{v}')"),
        );
    }
    let wrong = p.run(&["adopt", "--from", "golang-migrate"]);
    assert_eq!(wrong.code, Some(2), "{wrong:?}");
    assert!(
        wrong.stderr.contains("it looks like dbmate's table"),
        "{wrong:?}"
    );
    takeover(
        &db,
        &p,
        "dbmate",
        "schema_migrations",
        &["20240101000000", "20240102000000"],
        &["20240103000000"],
    );
}

#[test]
fn dbmate_takeover_sqlite() {
    dbmate_takeover(Server::Sqlite);
}

#[test]
fn dbmate_takeover_postgres() {
    dbmate_takeover(Server::Postgres);
}

#[test]
fn dbmate_takeover_mariadb() {
    dbmate_takeover(Server::MariaDb);
}

// ---------- golang-migrate ----------

fn golang_migrate_takeover(server: Server) {
    let Some(db) = Db::create(server, "adopt_gm") else {
        return;
    };
    let p = project(&db, "adopt-gm");
    for (v, name) in [(1, "users"), (2, "posts"), (3, "tags")] {
        paired(server, &p, v, name);
    }
    // golang-migrate's table as each driver creates it.
    exec(
        &db,
        match server {
            Server::Sqlite => {
                "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool);
                 CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);"
            }
            _ => {
                "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)"
            }
        },
    );
    create_tables(&db, &["users", "posts"]);
    // It sets the version dirty before running a migration and clean after:
    // a migration that failed half way leaves it dirty.
    exec(
        &db,
        "INSERT INTO schema_migrations (version, dirty) VALUES (2, TRUE)",
    );
    let run = p.run(&["adopt", "--from", "golang-migrate"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("dirty 2: schema_migrations marks version 2 dirty"),
        "{run:?}"
    );
    assert!(run.stdout.contains("`migrate force 2`"), "{run:?}");
    assert_eq!(ours(&db), None);
    // `migrate force 2`: one transaction that empties the table and inserts the row.
    exec(&db, "DELETE FROM schema_migrations");
    exec(
        &db,
        "INSERT INTO schema_migrations (version, dirty) VALUES (2, FALSE)",
    );

    let wrong = p.run(&["adopt", "--from", "dbmate"]);
    assert_eq!(wrong.code, Some(2), "{wrong:?}");
    assert!(
        wrong.stderr.contains("it is golang-migrate's table"),
        "{wrong:?}"
    );
    // One row, version 2: 1 and 2 are applied.
    takeover(
        &db,
        &p,
        "golang-migrate",
        "schema_migrations",
        &["1", "2"],
        &["3"],
    );
}

#[test]
fn golang_migrate_takeover_sqlite() {
    golang_migrate_takeover(Server::Sqlite);
}

#[test]
fn golang_migrate_takeover_postgres() {
    golang_migrate_takeover(Server::Postgres);
}

#[test]
fn golang_migrate_takeover_mariadb() {
    golang_migrate_takeover(Server::MariaDb);
}

// ---------- Flyway ----------

/// Flyway's checksum, written apart from the command's: CRC32 over each
/// line's UTF-8 bytes as `BufferedReader.readLine` returns them (no line
/// break), the BOM dropped from the first, as a Java `int`.
fn flyway_checksum(text: &str) -> i32 {
    let mut crc = crc32fast::Hasher::new();
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        crc.update(line.as_bytes());
    }
    crc.finalize() as i32
}

const FLYWAY: &str = "flyway_schema_history";

/// Flyway's table as it creates it on each backend.
fn flyway_table(db: &Db) {
    let t = FLYWAY;
    exec(
        db,
        &match db.server {
            Server::Postgres => format!(
                "CREATE TABLE \"public\".\"{t}\" (
    \"installed_rank\" INT NOT NULL,
    \"version\" VARCHAR(50),
    \"description\" VARCHAR(200) NOT NULL,
    \"type\" VARCHAR(20) NOT NULL,
    \"script\" VARCHAR(1000) NOT NULL,
    \"checksum\" INTEGER,
    \"installed_by\" VARCHAR(100) NOT NULL,
    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),
    \"execution_time\" INTEGER NOT NULL,
    \"success\" BOOLEAN NOT NULL
);
ALTER TABLE \"public\".\"{t}\" ADD CONSTRAINT \"{t}_pk\" PRIMARY KEY (\"installed_rank\");
CREATE INDEX \"{t}_s_idx\" ON \"public\".\"{t}\" (\"success\");"
            ),
            Server::MariaDb => format!(
                "CREATE TABLE `{t}` (
    `installed_rank` INT NOT NULL,
    `version` VARCHAR(50),
    `description` VARCHAR(200) NOT NULL,
    `type` VARCHAR(20) NOT NULL,
    `script` VARCHAR(1000) NOT NULL,
    `checksum` INT,
    `installed_by` VARCHAR(100) NOT NULL,
    `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    `execution_time` INT NOT NULL,
    `success` BOOL NOT NULL,
    CONSTRAINT `{t}_pk` PRIMARY KEY (`installed_rank`)
) ENGINE=InnoDB;
CREATE INDEX `{t}_s_idx` ON `{t}` (`success`);"
            ),
            Server::Sqlite => format!(
                "CREATE TABLE \"main\".\"{t}\" (
    \"installed_rank\" INT NOT NULL PRIMARY KEY,
    \"version\" VARCHAR(50),
    \"description\" VARCHAR(200) NOT NULL,
    \"type\" VARCHAR(20) NOT NULL,
    \"script\" VARCHAR(1000) NOT NULL,
    \"checksum\" INT,
    \"installed_by\" VARCHAR(100) NOT NULL,
    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    \"execution_time\" INT NOT NULL,
    \"success\" BOOLEAN NOT NULL
);
CREATE INDEX \"main\".\"{t}_s_idx\" ON \"{t}\" (\"success\");"
            ),
        },
    );
}

/// A row as Flyway writes it (`version` NULL for a repeatable migration).
#[allow(clippy::too_many_arguments)]
fn flyway_row(
    db: &Db,
    rank: u32,
    version: Option<&str>,
    description: &str,
    kind: &str,
    script: &str,
    checksum: Option<i32>,
    success: bool,
) {
    exec(
        db,
        &format!(
            "INSERT INTO {FLYWAY} (installed_rank, version, description, type, script, checksum, \
             installed_by, execution_time, success) \
             VALUES ({rank}, {}, '{description}', '{kind}', '{script}', {}, 'deploy', 12, {})",
            version.map_or("NULL".to_owned(), |v| format!("'{v}'")),
            checksum.map_or("NULL".to_owned(), |c| c.to_string()),
            if success { "TRUE" } else { "FALSE" }
        ),
    );
}

fn flyway_takeover(server: Server) {
    let Some(db) = Db::create(server, "adopt_flyway") else {
        return;
    };
    let p = project(&db, "adopt-flyway");
    let files = [
        ("1", "1", "users"),
        ("1_1", "1.1", "posts"),
        ("2", "2", "tags"),
    ];
    for (file_version, _, name) in files {
        let (create, drop) = table(server, name);
        // CRLF line endings, as checked out on Windows: Flyway ignores them.
        p.file(
            &format!("migrations/V{file_version}__{name}.sql"),
            &format!("-- {name}\r\n{create}\r\n"),
        );
        p.file(
            &format!("migrations/U{file_version}__{name}.sql"),
            &format!("{drop}\n"),
        );
    }
    flyway_table(&db);
    let t = FLYWAY;
    let insert = |rank, version, description, kind, script, checksum, success| {
        flyway_row(
            &db,
            rank,
            Some(version),
            description,
            kind,
            script,
            checksum,
            success,
        )
    };
    // `flyway baseline` at 1 (its schema existed before Flyway), then V1.1.
    create_tables(&db, &["users", "posts"]);
    insert(
        1,
        "1",
        "<< Flyway Baseline >>",
        "BASELINE",
        "<< Flyway Baseline >>",
        None,
        true,
    );
    let v11 = std::fs::read_to_string(dir(&p).join("V1_1__posts.sql")).unwrap();
    insert(
        2,
        "1.1",
        "posts",
        "SQL",
        "V1_1__posts.sql",
        Some(flyway_checksum(&v11)),
        true,
    );
    // Where DDL cannot roll back (MySQL), a failed migration leaves its row.
    insert(3, "2", "tags", "SQL", "V2__tags.sql", Some(0), false);
    let run = p.run(&["adopt", "--from", "flyway"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains(
            "failed 2: flyway_schema_history marks `V2__tags.sql` failed (success = false)"
        ),
        "{run:?}"
    );
    assert!(run.stdout.contains("flyway repair"), "{run:?}");
    assert_eq!(ours(&db), None);
    // `flyway repair` deletes it.
    exec(&db, &format!("DELETE FROM {t} WHERE installed_rank = 3"));

    // The statement changed since: refused. Line endings alone: not a change.
    let file = dir(&p).join("V1_1__posts.sql");
    std::fs::write(&file, v11.replace("label", "title")).unwrap();
    let run = p.run(&["adopt", "--from", "flyway"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains(
            "changed 1_1 posts: the file changed since it was applied: its CRC32 differs"
        ),
        "{run:?}"
    );
    std::fs::write(&file, v11.replace("\r\n", "\n")).unwrap();

    let run = p.run(&["adopt", "--from", "flyway", "--dry-run"]);
    ok(&run);
    assert!(
        run.stdout
            .contains("applied 1 users: below Flyway's baseline 1"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("applied 1_1 posts: recorded by Flyway, CRC32 matches"),
        "{run:?}"
    );
    takeover(&db, &p, "flyway", t, &["1", "1_1"], &["2"]);
}

/// Rows that are not a plain apply: an undo (Teams) and a `DELETE` row
/// (what `flyway repair` writes for an applied migration whose file is
/// gone) cancel the apply before them; a repeatable (`R__`) and the schema
/// marker have no version.
fn flyway_other_rows(server: Server) {
    let Some(db) = Db::create(server, "adopt_flyway_rows") else {
        return;
    };
    let p = project(&db, "adopt-flyway-rows");
    let mut sums = Vec::new();
    for (v, name) in [(1, "users"), (2, "posts"), (3, "tags")] {
        let (create, drop) = table(server, name);
        let text = format!("{create}\n");
        p.file(&format!("migrations/V{v}__{name}.sql"), &text);
        p.file(
            &format!("migrations/U{v}__{name}.sql"),
            &format!("{drop}\n"),
        );
        sums.push(Some(flyway_checksum(&text)));
    }
    flyway_table(&db);
    let row = |rank, version, kind, script, checksum| {
        flyway_row(&db, rank, version, "x", kind, script, checksum, true)
    };
    row(0, None, "SCHEMA", "\"public\"", None);
    row(1, Some("1"), "SQL", "V1__users.sql", sums[0]);
    row(2, Some("2"), "SQL", "V2__posts.sql", sums[1]);
    row(3, Some("2"), "UNDO_SQL", "U2__posts.sql", None);
    row(4, Some("3"), "SQL", "V3__tags.sql", sums[2]);
    row(5, Some("3"), "DELETE", "V3__tags.sql", None);
    row(6, None, "SQL", "R__views.sql", Some(42));
    let run = p.run(&["adopt", "--from", "flyway"]);
    ok(&run);
    assert_eq!(items(&run, "applied"), ["1"], "{run:?}");
    assert_eq!(items(&run, "pending"), ["2", "3"], "{run:?}");
    assert!(
        run.stdout
            .contains("note: `R__views.sql` is a repeatable migration"),
        "{run:?}"
    );
    assert_eq!(
        run.stdout.matches("note:").count(),
        1,
        "the schema marker is no note: {run:?}"
    );
    assert_eq!(ours(&db), Some(vec!["1".to_owned()]));
}

#[test]
fn flyway_other_rows_sqlite() {
    flyway_other_rows(Server::Sqlite);
}

#[test]
fn flyway_other_rows_postgres() {
    flyway_other_rows(Server::Postgres);
}

#[test]
fn flyway_other_rows_mariadb() {
    flyway_other_rows(Server::MariaDb);
}

#[test]
fn flyway_takeover_sqlite() {
    flyway_takeover(Server::Sqlite);
}

#[test]
fn flyway_takeover_postgres() {
    flyway_takeover(Server::Postgres);
}

#[test]
fn flyway_takeover_mariadb() {
    flyway_takeover(Server::MariaDb);
}

// ---------- usage ----------

#[test]
fn no_table_and_a_bad_table_name_are_usage_errors() {
    let Some(db) = Db::create(Server::Sqlite, "adopt_none") else {
        return;
    };
    let p = project(&db, "adopt-none");
    paired(Server::Sqlite, &p, 1, "users");
    let run = p.run(&["adopt", "--from", "sqlx"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("there is no table `_sqlx_migrations` (sqlx's history)"),
        "{run:?}"
    );
    assert!(
        !Path::new(sqlite_path(&db)).exists(),
        "adopt does not create the SQLite file"
    );
    let run = p.run(&[
        "adopt",
        "--from",
        "flyway",
        "--table",
        "x; DROP TABLE users",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--table"), "{run:?}");
    let run = p.run(&["adopt", "--from", "liquibase"]);
    assert_eq!(run.code, Some(2), "{run:?}");
}
