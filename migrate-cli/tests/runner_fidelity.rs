//! A directory written for another tool runs as that tool ran it: in its
//! order (diesel and dbmate compare text), version 0 like any other, an
//! empty down never "rolls back" by deleting the history row alone, and
//! old migrations baselined with `checked_after` apply on a new database
//! even where the checker cannot read them.

mod support;

use support::{Db, Project, Server};

fn project(db: &Db, name: &str, dialect: &str, extra: &str) -> Project {
    let mut p = Project::new(name);
    p.url = Some(db.url.clone());
    p.file("migrate.toml", &format!("dialect = \"{dialect}\"\n{extra}"));
    p
}

/// Each test's second migration needs what its first one did: a wrong
/// order fails on the server.
fn diesel_mixed_format(server: Server, dialect: &str) {
    let Some(db) = Db::create(server, "fid_diesel") else {
        return;
    };
    let p = project(&db, "fid-diesel", dialect, "");
    // A real mixed-format diesel directory: diesel reads `20180101000000`
    // and `20240313` and compares them as strings.
    p.file(
        "migrations/2018-01-01-000000_first/up.sql",
        "CREATE TABLE first_t (id INT PRIMARY KEY);",
    );
    p.file(
        "migrations/2018-01-01-000000_first/down.sql",
        "DROP TABLE first_t;",
    );
    p.file(
        "migrations/2024-03-13_170000_second/up.sql",
        "CREATE TABLE second_t (id INT PRIMARY KEY, first_id INT, FOREIGN KEY (first_id) REFERENCES first_t (id));",
    );
    p.file(
        "migrations/2024-03-13_170000_second/down.sql",
        "DROP TABLE second_t;",
    );
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let applied: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("] applied"))
        .collect();
    assert!(applied[0].contains("first"), "{r:?}");
    assert!(applied[1].contains("second"), "{r:?}");
    let r = p.run(&["status"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let first = r.stdout.find("2018-01-01-000000").expect("listed");
    let second = r.stdout.find("2024-03-13").expect("listed");
    assert!(first < second, "{r:?}");
    // Rolled back in the reverse of that order.
    let r = p.run(&["down", "--steps", "2"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(db.tables().is_empty(), "{:?}", db.tables());
}

#[test]
fn diesel_mixed_format_sqlite() {
    diesel_mixed_format(Server::Sqlite, "sqlite");
}

#[test]
fn diesel_mixed_format_postgres() {
    diesel_mixed_format(Server::Postgres, "postgres");
}

#[test]
fn diesel_mixed_format_mariadb() {
    diesel_mixed_format(Server::MariaDb, "mysql");
}

#[test]
fn dbmate_runs_in_file_name_order() {
    let Some(db) = Db::create(Server::Sqlite, "fid_dbmate") else {
        return;
    };
    let p = project(&db, "fid-dbmate", "sqlite", "");
    // dbmate sorts file names: `10_…` before `9_…`.
    p.file(
        "migrations/10_base.sql",
        "-- migrate:up\nCREATE TABLE base (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE base;\n",
    );
    p.file(
        "migrations/9_child.sql",
        "-- migrate:up\nCREATE TABLE child (id INTEGER PRIMARY KEY, base_id INTEGER REFERENCES base (id));\nINSERT INTO base (id) VALUES (1);\n-- migrate:down\nDROP TABLE child;\n",
    );
    let r = p.run(&["lint"]);
    assert_eq!(r.code, Some(0), "a warning, not an error: {r:?}");
    assert!(r.all().contains("version-order"), "{r:?}");
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let r = p.run(&["status"]);
    assert_eq!(r.code, Some(0), "{r:?}");
}

fn version_zero(server: Server, dialect: &str) {
    let Some(db) = Db::create(server, "fid_zero") else {
        return;
    };
    let p = project(&db, "fid-zero", dialect, "");
    p.file(
        "migrations/0000_a.sql",
        "-- migrate:up\nCREATE TABLE zero_a (id INT);\n-- migrate:down\nDROP TABLE zero_a;\n",
    );
    p.file(
        "migrations/0001_b.sql",
        "-- migrate:up\nCREATE TABLE zero_b (id INT);\n-- migrate:down\nDROP TABLE zero_b;\n",
    );
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let r = p.run(&["down", "--steps", "2"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(
        r.stdout.contains("0000") && r.stdout.contains("0001"),
        "{r:?}"
    );
    assert!(db.tables().is_empty(), "{:?}", db.tables());

    // `--to 0` names version 0: it stays applied, the rest is rolled back.
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let r = p.run(&["down", "--to", "0"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("0001"), "{r:?}");
    assert_eq!(db.tables(), ["zero_a"]);
}

#[test]
fn version_zero_rolls_back_sqlite() {
    version_zero(Server::Sqlite, "sqlite");
}

#[test]
fn version_zero_rolls_back_postgres() {
    version_zero(Server::Postgres, "postgres");
}

#[test]
fn an_empty_down_does_not_forget_the_migration() {
    let Some(db) = Db::create(Server::Sqlite, "fid_empty") else {
        return;
    };
    // History (baselined), so the empty down does not fail the check.
    let p = project(&db, "fid-empty", "sqlite", "checked_after = \"1\"\n");
    p.file("migrations/1_a.up.sql", "CREATE TABLE a (id INTEGER);");
    p.file("migrations/1_a.down.sql", "");
    p.file(
        "migrations/2_b.up.sql",
        "CREATE TABLE IF NOT EXISTS b (id INTEGER);",
    );
    p.file(
        "migrations/2_b.down.sql",
        "-- migrate:empty: b is kept on rollback; it only ever grows\n",
    );
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // 2's down is empty on purpose: rolled back, `b` stays.
    let r = p.run(&["down"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // 1's down is empty by accident: refused, nothing forgotten.
    let r = p.run(&["down"]);
    assert_ne!(r.code, Some(0), "{r:?}");
    assert!(r.all().contains("down section is empty"), "{r:?}");
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "the next up works: {r:?}");
    assert_eq!(db.tables(), ["a", "b"]);
}

#[test]
fn baselined_history_lints_clean_and_applies_on_postgres() {
    let Some(db) = Db::create(Server::Postgres, "fid_hist") else {
        return;
    };
    let p = project(
        &db,
        "fid-hist",
        "postgres",
        "checked_after = \"20200102000000\"\n",
    );
    // Years-old migrations: a blocking index, no down, and a statement the
    // server accepts that the checker does not read.
    p.file(
        "migrations/20200101000000_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE SEQUENCE order_seq;\n",
    );
    p.file(
        "migrations/20200102000000_index.up.sql",
        "CREATE INDEX orders_user_idx ON orders (user_id);\nCREATE TABLE notes (body text COMPRESSION pglz);\n",
    );
    p.file(
        "migrations/20240101000000_new.up.sql",
        "CREATE TABLE payments (id bigint PRIMARY KEY);\n",
    );
    p.file(
        "migrations/20240101000000_new.down.sql",
        "DROP TABLE payments;\n",
    );
    let r = p.run(&["lint"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let out = r.all();
    assert!(
        out.contains("2 migrations up to 20200102000000 are history"),
        "{out}"
    );
    // The statement the checker cannot read is named, one per line.
    assert!(
        out.contains("\n  migrations/20200102000000_index.up.sql:2:")
            && out.contains(": skipped, cannot parse"),
        "{out}"
    );
    let r = p.run(&["lint", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["totals"]["history"], 2, "{json}");
    assert_eq!(json["totals"]["history_unparsed"], 1, "{json}");
    let r = p.run(&["lint", "--all"]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.all().contains("create-index-non-concurrently"), "{r:?}");
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(db.tables(), ["notes", "orders", "payments"]);
}

fn commit_inside(server: Server, dialect: &str, failed: &str, error: &str, left: &[&str]) {
    let Some(db) = Db::create(server, "fid_commit") else {
        return;
    };
    // golang-migrate runs a file as one batch, so a `COMMIT` halfway is
    // common there; here the file is history, so nothing reports it.
    let p = project(&db, "fid-commit", dialect, "checked_after = \"1\"\n");
    p.file(
        "migrations/1_commit.up.sql",
        "CREATE TABLE ca (id INT);\nCOMMIT;\nCREATE TABLE cb (id INT);\nSELECT 1/0;\n",
    );
    p.file(
        "migrations/1_commit.down.sql",
        "DROP TABLE cb;\nDROP TABLE ca;\n",
    );
    let r = p.run(&["up"]);
    assert_ne!(r.code, Some(0), "{r:?}");
    let report = r.all();
    // The real error, and what really took effect.
    assert!(report.contains(failed), "{report}");
    assert!(report.contains(error), "{report}");
    assert!(
        !report.contains("none of its statements took effect"),
        "{report}"
    );
    assert_eq!(db.tables(), left);
    let r = p.run(&["status"]);
    assert!(r.all().contains("dirty"), "{r:?}");
}

#[test]
fn a_commit_inside_a_section_is_reported_truthfully_postgres() {
    commit_inside(
        Server::Postgres,
        "postgres",
        "statement 4 of 4",
        "division by zero",
        &["ca", "cb"],
    );
}

#[test]
fn a_commit_inside_a_section_is_reported_truthfully_sqlite() {
    // SQLite refuses a COMMIT with no transaction open: that is the error.
    commit_inside(
        Server::Sqlite,
        "sqlite",
        "statement 2 of 4",
        "cannot commit - no transaction is active",
        &["ca"],
    );
}

#[test]
fn an_allowed_commit_with_its_own_begin_fails_cleanly_postgres() {
    let Some(db) = Db::create(Server::Postgres, "fid_begin") else {
        return;
    };
    let p = project(&db, "fid-begin", "postgres", "");
    p.file(
        "migrations/1_tx.up.sql",
        "CREATE TABLE ta (id int);\n-- migrate:allow(transaction-nesting): committed in two steps on purpose\nBEGIN;\nCREATE TABLE tb (id int);\nINSERT INTO tb VALUES (1 / 0);\n-- migrate:allow(transaction-nesting): committed in two steps on purpose\nCOMMIT;\n",
    );
    p.file(
        "migrations/1_tx.down.sql",
        "DROP TABLE IF EXISTS tb;\nDROP TABLE ta;\n",
    );
    let r = p.run(&["up"]);
    assert_ne!(r.code, Some(0), "{r:?}");
    let report = r.all();
    assert!(report.contains("statement 4 of 5"), "{report}");
    assert!(report.contains("division by zero"), "{report}");
    // `ta` committed before the explicit transaction; `tb` rolled back with it.
    assert_eq!(db.tables(), ["ta"]);
    let r = p.run(&["status"]);
    assert!(r.all().contains("dirty"), "{r:?}");
}

#[test]
fn a_procedure_between_client_delimiters_runs_on_mariadb() {
    let Some(db) = Db::create(Server::MariaDb, "fid_delim") else {
        return;
    };
    let p = project(&db, "fid-delim", "mysql", "mariadb_version = \"10.11\"\n");
    // As the mysql client and Flyway read it.
    p.file(
        "migrations/V1__counter.sql",
        "CREATE TABLE counter (n INT NOT NULL);\nINSERT INTO counter VALUES (0);\n",
    );
    p.file("migrations/U1__counter.sql", "DROP TABLE counter;\n");
    p.file(
        "migrations/V2__bump.sql",
        "DELIMITER //\nCREATE PROCEDURE bump()\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < 2 DO\n    IF i >= 0 THEN\n      UPDATE counter SET n = n + 1;\n    END IF;\n    SET i = i + 1;\n  END WHILE;\nEND\n//\nDELIMITER ;\nCALL bump();\n",
    );
    p.file("migrations/U2__bump.sql", "DROP PROCEDURE bump;\n");
    let r = p.run(&["lint"]);
    assert!(!r.all().contains("parse-error"), "{r:?}");
    let r = p.run(&["up"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let out = std::process::Command::new("mariadb")
        .args([
            "-h",
            "127.0.0.1",
            "-u",
            "root",
            "-N",
            "-e",
            "SELECT n FROM counter",
            &db.name,
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
}

#[test]
fn init_over_one_folder_per_database_names_them() {
    let p = Project::new("fid-folders");
    for dialect in ["postgresql", "sqlite"] {
        p.file(
            &format!("migrations/{dialect}/2024-01-01-000000_a/up.sql"),
            "CREATE TABLE a (id INT);",
        );
        p.file(
            &format!("migrations/{dialect}/2024-01-01-000000_a/down.sql"),
            "DROP TABLE a;",
        );
    }
    let r = p.run(&["init"]);
    assert_eq!(r.code, Some(0), "{r:?}");
    for dialect in ["postgresql", "sqlite"] {
        assert!(
            r.stdout.contains(&format!(
                "note     `migrations/{dialect}/` holds the migrations of one database"
            )),
            "{r:?}"
        );
    }
    // With history, the next step is recording what each database ran.
    let p = Project::new("fid-next");
    p.file("migrations/1_a.up.sql", "CREATE TABLE a (id INTEGER);");
    p.file("migrations/1_a.down.sql", "DROP TABLE a;");
    let r = p.run(&["init"]);
    assert!(r.stdout.contains("cargo migrate adopt --from"), "{r:?}");
    assert!(!r.stdout.contains("create_first_table"), "{r:?}");
}
