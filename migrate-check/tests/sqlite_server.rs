//! The SQLite rules against the real engine (rusqlite's bundled SQLite):
//! every good example of every SQLite rule applies and rolls back; every bad
//! statement of a rule that says SQLite rejects it fails; and the checker
//! and the engine agree, statement by statement, on what SQLite refuses.

use migrate_check::rules::{self, Example};
use migrate_check::{Config, Dialect, FileEntry, Input, Report, Section, check};
use rusqlite::Connection;

/// Rules whose SQLite findings say the engine refuses the statement
/// (`transaction-nesting` only where its label says so: a section that
/// controls its own transactions is otherwise run as written).
const REJECTED: &[&str] = &[
    "sqlite-unsupported-alter",
    "sqlite-add-column-restrictions",
    "sqlite-drop-column-restrictions",
    "add-required-column",
    "add-stored-generated-column",
    "transaction-nesting",
];

/// Whether a finding says SQLite refuses the statement.
fn says_rejected(d: &migrate_check::Diagnostic) -> bool {
    REJECTED.contains(&d.rule)
        && (d.rule != "transaction-nesting" || d.label.starts_with("SQLite rejects"))
}

/// An example's files (`-- file: NAME` blocks), its `migrate.toml`, and
/// the (file, line) of each `-- expect:` mark.
fn split(example: &Example) -> (Vec<FileEntry>, Config, Vec<(String, u32)>) {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut marks = Vec::new();
    for line in example.text.lines() {
        if let Some(name) = line.strip_prefix("-- file: ") {
            files.push((name.trim().to_string(), String::new()));
            continue;
        }
        let Some((name, body)) = files.last_mut() else {
            continue;
        };
        let kept = match line.find(" -- expect: ") {
            Some(i) => {
                marks.push((name.clone(), body.lines().count() as u32 + 1));
                &line[..i]
            }
            None => line,
        };
        body.push_str(kept);
        body.push('\n');
    }
    let mut config = files
        .iter()
        .find(|(n, _)| n == "migrate.toml")
        .map(|(_, t)| Config::from_toml(t).expect("example migrate.toml"))
        .unwrap_or_default();
    config.dialect = Dialect::Sqlite;
    let entries = files
        .into_iter()
        .filter(|(n, _)| n != "migrate.toml")
        .map(|(rel_path, body)| FileEntry {
            rel_path,
            bytes: body.into_bytes(),
        })
        .collect();
    (entries, config, marks)
}

fn lint(entries: Vec<FileEntry>, config: Config) -> Report {
    check(Input {
        entries,
        display_dir: String::new(),
        config,
        config_source: None,
    })
}

/// Runs a section as the runner does: in one `BEGIN IMMEDIATE … COMMIT`
/// unless marked `-- migrate:no-transaction`, else statement by statement.
/// `Err` names the failing statement (or the final COMMIT) and the error.
fn apply(db: &Connection, report: &Report, section: &Section) -> Result<(), (String, String)> {
    if section.transactional {
        db.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| ("BEGIN IMMEDIATE".into(), e.to_string()))?;
    }
    for stmt in &section.statements {
        let sql = report.statement_text(section, stmt);
        if let Err(e) = db.execute_batch(sql) {
            if section.transactional {
                let _ = db.execute_batch("ROLLBACK");
            }
            return Err((sql.to_string(), e.to_string()));
        }
    }
    if section.transactional {
        db.execute_batch("COMMIT")
            .map_err(|e| ("COMMIT".to_string(), e.to_string()))?;
    }
    Ok(())
}

/// Puts one row into every table that has none, so that what SQLite refuses
/// only on tables with rows is refused. Best effort: a row that a
/// constraint refuses is skipped.
fn seed(db: &Connection) {
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default();
    for t in tables {
        let empty: bool = db
            .query_row(&format!("SELECT count(*) = 0 FROM \"{t}\""), [], |r| {
                r.get(0)
            })
            .unwrap_or(false);
        if !empty {
            continue;
        }
        let cols: Vec<String> = db
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_default();
        let list = cols
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let values = vec!["1"; cols.len()].join(", ");
        let _ = db.execute_batch(&format!("INSERT INTO \"{t}\" ({list}) VALUES ({values})"));
    }
}

fn sqlite_examples(good: bool) -> Vec<(&'static str, &'static Example)> {
    rules::all()
        .filter(|r| r.dialects.contains(&Dialect::Sqlite))
        .flat_map(|r| {
            let list = if good { r.good } else { r.bad };
            // Examples with seed files are checked with their seeds by the
            // rule harness, and seeds run on the engine in
            // migrate-runtime/tests/seeds.rs.
            list.iter()
                .filter(|e| e.dialect == Dialect::Sqlite && !e.text.contains("-- file: seeds/"))
                .map(move |e| (r.id, e))
        })
        .collect()
}

#[test]
fn the_bundled_sqlite_is_recent() {
    // 3.54.1 with rusqlite 0.43 (libsqlite3-sys 0.40): it has every ALTER
    // TABLE form the rules gate on (3.25, 3.35, 3.37, 3.53).
    let v = rusqlite::version_number();
    assert!(v >= 3_053_000, "bundled SQLite {}", rusqlite::version());
    // libsqlite3-sys builds it with SQLITE_DEFAULT_FOREIGN_KEYS=1: every
    // connection starts with foreign keys on, so a table rebuild that does
    // not turn them off fires ON DELETE actions (`sqlite-rebuild-procedure`).
    let db = Connection::open_in_memory().unwrap();
    let on: i64 = db
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(on, 1);
}

#[test]
fn good_examples_apply_and_roll_back() {
    let mut checked = 0;
    for (id, example) in sqlite_examples(true) {
        let (entries, config, _) = split(example);
        let report = lint(entries, config);
        // Clean of every rule, warnings included: a good example teaches one thing.
        assert!(
            report.diagnostics.is_empty(),
            "{id}: good example reports:\n{}",
            report.render(false)
        );
        let db = Connection::open_in_memory().unwrap();
        for m in &report.migrations {
            if let Err((sql, e)) = apply(&db, &report, &m.up) {
                panic!("{id}: good example, up of {}: `{sql}`: {e}", m.version);
            }
        }
        for m in report.migrations.iter().rev() {
            let Some(down) = &m.down else { break };
            if let Err((sql, e)) = apply(&db, &report, down) {
                panic!("{id}: good example, down of {}: `{sql}`: {e}", m.version);
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} good SQLite examples");
}

#[test]
fn bad_statements_the_rules_say_sqlite_rejects_fail() {
    let mut checked = 0;
    for (id, example) in sqlite_examples(false) {
        if !REJECTED.contains(&id) {
            continue;
        }
        let (entries, config, marks) = split(example);
        let report = lint(entries, config);
        let db = Connection::open_in_memory().unwrap();
        let marked = |m: &migrate_check::Migration| {
            marks
                .iter()
                .any(|(file, _)| m.files.iter().any(|f| report.files[*f].rel_path == *file))
        };
        for m in &report.migrations {
            seed(&db);
            let result = apply(&db, &report, &m.up);
            if !marked(m) {
                if let Err((sql, e)) = result {
                    panic!(
                        "{id}: bad example, unmarked migration {}: `{sql}`: {e}",
                        m.version
                    );
                }
                continue;
            }
            let Err((sql, e)) = result else {
                panic!(
                    "{id}: the rule says SQLite rejects a statement of {}, the engine ran it",
                    m.version
                );
            };
            // The failure is the marked statement's (or the runner's COMMIT it broke).
            let lines: Vec<u32> =
                m.up.statements
                    .iter()
                    .filter(|s| report.statement_text(&m.up, s) == sql)
                    .map(|s| s.line)
                    .collect();
            assert!(
                sql == "COMMIT" || lines.iter().any(|l| marks.iter().any(|(_, ml)| ml == l)),
                "{id}: failed at `{sql}` ({e}), not at a marked line {marks:?}"
            );
            checked += 1;
            break;
        }
    }
    assert!(checked >= 6, "only {checked} rejected statements run");
}

/// The checker (at the bundled version) and the engine agree on what
/// SQLite refuses: `(setup, statement)`; the statement runs on a table with
/// a row.
#[test]
fn checker_and_engine_agree_on_what_sqlite_refuses() {
    const SETUP: &str = "CREATE TABLE p (id INTEGER PRIMARY KEY, x INT, UNIQUE (id, x));\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT UNIQUE, c INT REFERENCES p (id), d INT CHECK (d > 0), e INT, k INT, m INT, n INT, o INT, q INT, r INT, CONSTRAINT e_gt_q CHECK (e > q), FOREIGN KEY (n, o) REFERENCES p (id, x));\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_k ON t (lower(k));\nCREATE VIEW v AS SELECT m FROM t;\nCREATE TRIGGER t_r AFTER UPDATE ON t FOR EACH ROW WHEN NEW.r IS NULL BEGIN UPDATE t SET r = 0 WHERE id = NEW.id; END;\nCREATE TRIGGER p_touch AFTER UPDATE ON p FOR EACH ROW BEGIN UPDATE t SET k = 0 WHERE c = NEW.id; END;";
    let cases: &[&str] = &[
        // ALTER TABLE forms
        "ALTER TABLE t ALTER COLUMN a TYPE INTEGER;",
        "ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x';",
        "ALTER TABLE t ALTER COLUMN a DROP DEFAULT;",
        "ALTER TABLE t ADD CONSTRAINT a_key UNIQUE (a);",
        "ALTER TABLE t ADD PRIMARY KEY (a);",
        "ALTER TABLE t ADD CONSTRAINT q_fk FOREIGN KEY (q) REFERENCES p (id);",
        "ALTER TABLE t ALTER COLUMN e SET NOT NULL;",
        "ALTER TABLE t ALTER COLUMN e DROP NOT NULL;",
        "ALTER TABLE t ADD CONSTRAINT q_small CHECK (q < 10);",
        "ALTER TABLE t DROP CONSTRAINT e_gt_q;",
        "ALTER TABLE t RENAME COLUMN a TO a2;",
        // ADD COLUMN
        "ALTER TABLE t ADD COLUMN f INT PRIMARY KEY;",
        "ALTER TABLE t ADD COLUMN f INT UNIQUE;",
        "ALTER TABLE t ADD COLUMN f INT NOT NULL;",
        "ALTER TABLE t ADD COLUMN f INT NOT NULL DEFAULT NULL;",
        "ALTER TABLE t ADD COLUMN f INT NOT NULL DEFAULT 0;",
        "ALTER TABLE t ADD COLUMN f TEXT DEFAULT CURRENT_TIMESTAMP;",
        "ALTER TABLE t ADD COLUMN f TEXT DEFAULT (datetime('now'));",
        "ALTER TABLE t ADD COLUMN f TEXT DEFAULT 'x';",
        "ALTER TABLE t ADD COLUMN f INT DEFAULT -1;",
        "ALTER TABLE t ADD COLUMN f INT DEFAULT (-1);",
        "ALTER TABLE t ADD COLUMN f TEXT DEFAULT ('a');",
        "ALTER TABLE t ADD COLUMN f INT DEFAULT (1 + 1);",
        "ALTER TABLE t ADD COLUMN f INT DEFAULT TRUE;",
        "ALTER TABLE t ADD COLUMN f INT REFERENCES p (id) DEFAULT 1;",
        "ALTER TABLE t ADD COLUMN f INT REFERENCES p (id);",
        "ALTER TABLE t ADD COLUMN f INT GENERATED ALWAYS AS (e * 2) STORED;",
        "ALTER TABLE t ADD COLUMN f INT GENERATED ALWAYS AS (e * 2) VIRTUAL;",
        // DROP COLUMN
        "ALTER TABLE t DROP COLUMN id;",
        "ALTER TABLE t DROP COLUMN a;",
        "ALTER TABLE t DROP COLUMN b;",
        "ALTER TABLE t DROP COLUMN c;",
        "ALTER TABLE t DROP COLUMN d;",
        "ALTER TABLE t DROP COLUMN e;",
        "ALTER TABLE t DROP COLUMN k;",
        "ALTER TABLE t DROP COLUMN m;",
        "ALTER TABLE t DROP COLUMN n;",
        "ALTER TABLE t DROP COLUMN q;",
        "ALTER TABLE t DROP COLUMN r;",
        // transactions inside the runner's
        "BEGIN;",
    ];
    let mut config = Config {
        dialect: Dialect::Sqlite,
        sqlite_version: migrate_check::ServerVersion::new(3, 54, 0),
        ..Config::default()
    };
    // Findings a DROP COLUMN also gets that are not about the engine.
    config
        .rule_levels
        .insert("drop-column".into(), migrate_check::Level::Allow);
    for case in cases {
        let entries = vec![
            FileEntry {
                rel_path: "1_setup.sql".into(),
                bytes: format!("-- migrate:up\n{SETUP}\n-- migrate:irreversible: test\n")
                    .into_bytes(),
            },
            FileEntry {
                rel_path: "2_case.sql".into(),
                bytes: format!("-- migrate:up\n{case}\n-- migrate:irreversible: test\n")
                    .into_bytes(),
            },
        ];
        let report = lint(entries, config.clone());
        let said: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| says_rejected(d))
            .map(|d| d.rule)
            .collect();
        let db = Connection::open_in_memory().unwrap();
        apply(&db, &report, &report.migrations[0].up).expect("setup");
        db.execute_batch("INSERT INTO p VALUES (1, 1); INSERT INTO t (id, a, b, c, d, e, k, m, n, o, q, r) VALUES (1, 'a', 1, 1, 1, 2, 1, 1, 1, 1, 1, 1);")
            .expect("a row");
        let engine = apply(&db, &report, &report.migrations[1].up);
        assert_eq!(
            !said.is_empty(),
            engine.is_err(),
            "`{case}`: checker said {said:?}, engine said {engine:?}\n{}",
            report.render(false)
        );
    }
}

/// `PRAGMA foreign_keys` inside a transaction changes nothing, and a rebuild
/// with foreign keys on empties the children through ON DELETE CASCADE —
/// what `sqlite-rebuild-procedure` says.
#[test]
fn foreign_keys_pragma_in_a_transaction_is_a_no_op_and_cascades_fire() {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch("BEGIN; PRAGMA foreign_keys = OFF;")
        .unwrap();
    let on: i64 = db
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    db.execute_batch("COMMIT;").unwrap();
    assert_eq!(on, 1, "the pragma took effect inside a transaction");

    // The rule's bad example, on the engine, with foreign keys on.
    let bad = rules::by_id("sqlite-rebuild-procedure").unwrap().bad[0];
    let (entries, config, _) = split(&bad);
    let report = lint(entries, config);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == "sqlite-rebuild-procedure")
    );
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    apply(&db, &report, &report.migrations[0].up).unwrap();
    db.execute_batch("INSERT INTO users (id, email) VALUES (1, 'a@b.c'); INSERT INTO orders (id, user_id) VALUES (1, 1);")
        .unwrap();
    apply(&db, &report, &report.migrations[1].up).unwrap();
    let orders: i64 = db
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orders, 0, "the cascade emptied the child table");

    // The good example keeps them.
    let good = rules::by_id("sqlite-rebuild-procedure").unwrap().good[0];
    let (entries, config, _) = split(&good);
    let report = lint(entries, config);
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    apply(&db, &report, &report.migrations[0].up).unwrap();
    db.execute_batch("INSERT INTO users (id, email) VALUES (1, 'a@b.c'); INSERT INTO orders (id, user_id) VALUES (1, 1);")
        .unwrap();
    apply(&db, &report, &report.migrations[1].up).unwrap();
    let orders: i64 = db
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orders, 1, "the documented procedure keeps the children");
}

/// SQLite statements sqlparser rejects or over-reads are understood (no
/// `parse-error`), and they are real SQLite: the engine runs them all.
#[test]
fn sqlite_only_forms_parse_and_run() {
    const FORMS: &str = r#"-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys=false;
PRAGMA foreign_keys = 'off';
PRAGMA main.foreign_keys = OFF;
PRAGMA foreign_keys(OFF);
PRAGMA foreign_keys = no;
PRAGMA foreign_key_check;
PRAGMA journal_mode = WAL;
PRAGMA user_version = 3;
PRAGMA defer_foreign_keys = ON;
PRAGMA legacy_alter_table = ON;
PRAGMA legacy_alter_table=OFF;
PRAGMA optimize;
PRAGMA integrity_check;
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL DEFAULT 'a' CHECK (kind IN ('a', 'b'))) STRICT;
PRAGMA foreign_key_check(users);
CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE TABLE kv2 (k TEXT PRIMARY KEY, v ANY) STRICT, WITHOUT ROWID;
CREATE TEMP TRIGGER IF NOT EXISTS t1 AFTER INSERT ON users BEGIN SELECT 1; END;
CREATE TRIGGER IF NOT EXISTS t2 BEFORE INSERT ON users FOR EACH ROW WHEN NEW.email = '' BEGIN SELECT RAISE(ABORT, 'empty email'); END;
CREATE VIEW IF NOT EXISTS v_users AS SELECT id, email FROM users;
CREATE TRIGGER v_ins INSTEAD OF INSERT ON v_users BEGIN INSERT INTO users (email) VALUES (NEW.email); END;
INSERT OR REPLACE INTO kv (k, v) VALUES ('a', x'00');
REPLACE INTO kv (k, v) VALUES ('b', x'01');
INSERT INTO kv (k, v) VALUES ('c', NULL) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
CREATE VIRTUAL TABLE docs USING fts5(title, body);
CREATE INDEX IF NOT EXISTS users_kind_idx ON users (kind) WHERE kind = 'b';
ANALYZE;
VACUUM;
REINDEX;
REINDEX users;
BEGIN IMMEDIATE;
SAVEPOINT sp1;
RELEASE sp1;
END TRANSACTION;
BEGIN EXCLUSIVE TRANSACTION;
COMMIT TRANSACTION;
DELETE FROM kv WHERE k = 'zz' RETURNING k;
DROP TRIGGER IF EXISTS t2;
CREATE TABLE g (a INT, b INT AS (a * 2), c INT GENERATED ALWAYS AS (a + 1) STORED);
ALTER TABLE g RENAME TO g2;
ALTER TABLE g2 RENAME a TO a1;
ALTER TABLE g2 ADD d TEXT;
ALTER TABLE g2 DROP d;
ATTACH DATABASE ':memory:' AS aux;
DETACH DATABASE aux;
-- migrate:irreversible: test
"#;
    let entries = vec![FileEntry {
        rel_path: "0001_forms.sql".into(),
        bytes: FORMS.as_bytes().to_vec(),
    }];
    let config = Config {
        dialect: Dialect::Sqlite,
        ..Config::default()
    };
    let report = lint(entries, config);
    let parse_errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "parse-error")
        .collect();
    assert!(parse_errors.is_empty(), "{}", report.render(false));
    let db = Connection::open_in_memory().unwrap();
    if let Err((sql, e)) = apply(&db, &report, &report.migrations[0].up) {
        panic!("`{sql}`: {e}");
    }
}

/// A realistic schema, then one migration: safe ones report nothing (no
/// error and no warning), dangerous ones report exactly the expected rules;
/// and every safe one applies and rolls back on the engine, with a row in
/// every table and foreign keys on.
#[test]
fn realistic_migrations_safe_and_dangerous() {
    const BASE: &str = "-- migrate:up
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    name TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX users_email_idx ON users (email);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT,
    published INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE TRIGGER IF NOT EXISTS users_trim AFTER UPDATE ON users
BEGIN
    UPDATE users SET name = trim(NEW.name) WHERE id = NEW.id AND NEW.name <> trim(NEW.name);
END;
-- migrate:down
DROP TABLE posts;
DROP TABLE users;
";
    const REBUILD_POSTS: &str = "-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE posts_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(title) <= 200),
    body TEXT,
    published INTEGER NOT NULL DEFAULT 0
);
INSERT INTO posts_new (id, user_id, title, body, published)
SELECT id, user_id, title, body, published FROM posts;
DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;
CREATE INDEX posts_user_id_idx ON posts (user_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
-- migrate:down
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE posts_old (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT,
    published INTEGER NOT NULL DEFAULT 0
);
INSERT INTO posts_old (id, user_id, title, body, published)
SELECT id, user_id, title, body, published FROM posts;
DROP TABLE posts;
ALTER TABLE posts_old RENAME TO posts;
CREATE INDEX posts_user_id_idx ON posts (user_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
";
    let users_rebuild = |order_first: bool, pragma_outside: bool, recreate: bool| {
        let head = if pragma_outside {
            "-- migrate:no-transaction\nPRAGMA foreign_keys = OFF;\nBEGIN;\n"
        } else {
            "PRAGMA foreign_keys = OFF;\n"
        };
        let shape = "(id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL COLLATE NOCASE, name TEXT, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)";
        let body = if order_first {
            format!(
                "ALTER TABLE users RENAME TO users_old;\nCREATE TABLE users {shape};\nINSERT INTO users (id, email, name, created_at) SELECT id, email, name, created_at FROM users_old;\nDROP TABLE users_old;\n"
            )
        } else {
            format!(
                "CREATE TABLE users_new {shape};\nINSERT INTO users_new (id, email, name, created_at) SELECT id, email, name, created_at FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n"
            )
        };
        let again = if recreate {
            "CREATE UNIQUE INDEX users_email_idx ON users (email);\nCREATE TRIGGER IF NOT EXISTS users_trim AFTER UPDATE ON users BEGIN UPDATE users SET name = trim(NEW.name) WHERE id = NEW.id AND NEW.name <> trim(NEW.name); END;\n"
        } else {
            ""
        };
        let tail = if pragma_outside {
            "PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n"
        } else {
            "PRAGMA foreign_keys = ON;\n"
        };
        format!(
            "-- migrate:up\n{head}{body}{again}{tail}-- migrate:irreversible: the collation change is kept\n"
        )
    };
    let cases: Vec<(&str, String, &[&str])> = vec![
        // Safe.
        ("add nullable column and index", "-- migrate:up\nALTER TABLE posts ADD COLUMN slug TEXT;\nCREATE INDEX posts_slug_idx ON posts (slug);\n-- migrate:down\nDROP INDEX posts_slug_idx;\nALTER TABLE posts DROP COLUMN slug;\n".into(), &[]),
        ("add NOT NULL with a constant default", "-- migrate:up\nALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;\nALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT ('en');\n-- migrate:down\nALTER TABLE users DROP COLUMN locale;\nALTER TABLE users DROP COLUMN is_admin;\n".into(), &[]),
        ("the documented rebuild", REBUILD_POSTS.into(), &[]),
        ("the documented rebuild of a referenced table", users_rebuild(false, true, true), &[]),
        ("lookup table, reference, view", "-- migrate:up\nCREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;\nINSERT INTO categories (id, name) VALUES (1, 'general'), (2, 'news');\nALTER TABLE posts ADD COLUMN category_id INTEGER REFERENCES categories (id);\nCREATE INDEX posts_category_id_idx ON posts (category_id);\nCREATE VIEW IF NOT EXISTS published_posts AS SELECT p.id, p.title, u.email FROM posts AS p JOIN users AS u ON u.id = p.user_id WHERE p.published = 1;\n-- migrate:down\nDROP VIEW IF EXISTS published_posts;\nDROP INDEX posts_category_id_idx;\nALTER TABLE posts DROP COLUMN category_id;\nDROP TABLE categories;\n".into(), &[]),
        ("data fix without DDL", "-- migrate:up\nUPDATE users SET name = NULL WHERE name = '';\nDELETE FROM posts WHERE title = '';\n-- migrate:irreversible: cleaned values are not kept\n".into(), &[]),
        ("replace an index", "-- migrate:up\nCREATE INDEX posts_user_published_idx ON posts (user_id, published);\nDROP INDEX posts_user_id_idx;\n-- migrate:down\nCREATE INDEX posts_user_id_idx ON posts (user_id);\nDROP INDEX posts_user_published_idx;\n".into(), &[]),
        ("virtual generated column", "-- migrate:up\nALTER TABLE users ADD COLUMN email_domain TEXT GENERATED ALWAYS AS (substr(email, instr(email, '@') + 1)) VIRTUAL;\n-- migrate:down\nALTER TABLE users DROP COLUMN email_domain;\n".into(), &[]),
        ("a view over a table", "-- migrate:up\nCREATE VIEW post_bodies AS SELECT id, body FROM posts;\n-- migrate:down\nDROP VIEW post_bodies;\n".into(), &[]),
        // Dangerous.
        ("ALTER COLUMN TYPE", "-- migrate:up\nALTER TABLE posts ALTER COLUMN published TYPE BOOLEAN;\n-- migrate:down\nALTER TABLE posts ALTER COLUMN published TYPE INTEGER;\n".into(), &["sqlite-unsupported-alter"]),
        ("NOT NULL without default", "-- migrate:up\nALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL;\n-- migrate:down\nALTER TABLE users DROP COLUMN password_hash;\n".into(), &["add-required-column"]),
        ("CURRENT_TIMESTAMP default", "-- migrate:up\nALTER TABLE posts ADD COLUMN updated_at TEXT DEFAULT CURRENT_TIMESTAMP;\n-- migrate:down\nALTER TABLE posts DROP COLUMN updated_at;\n".into(), &["sqlite-add-column-restrictions"]),
        ("UNIQUE column", "-- migrate:up\nALTER TABLE users ADD COLUMN username TEXT UNIQUE;\n-- migrate:irreversible: test\n".into(), &["sqlite-add-column-restrictions"]),
        ("STORED generated column", "-- migrate:up\nALTER TABLE users ADD COLUMN email_lower TEXT GENERATED ALWAYS AS (lower(email)) STORED;\n-- migrate:down\nALTER TABLE users DROP COLUMN email_lower;\n".into(), &["add-stored-generated-column"]),
        ("drop an indexed column", "-- migrate:up\n-- migrate:allow(drop-column): unused since v3\nALTER TABLE posts DROP COLUMN user_id;\n-- migrate:irreversible: test\n".into(), &["sqlite-drop-column-restrictions"]),
        ("PRAGMA inside the runner's transaction", users_rebuild(false, false, true), &["sqlite-rebuild-procedure"]),
        ("rename the old table first", users_rebuild(true, true, true), &["sqlite-rebuild-procedure"]),
        ("rebuild loses index and trigger", users_rebuild(false, true, false), &["sqlite-rebuild-procedure"]),
        ("rebuild while a view names the table", REBUILD_POSTS.replacen("PRAGMA foreign_keys = OFF;", "CREATE VIEW post_titles AS SELECT title FROM posts;\nPRAGMA foreign_keys = OFF;", 1), &["sqlite-rebuild-procedure"]),
        ("drop an existing table", "-- migrate:up\nDROP TABLE posts;\n-- migrate:irreversible: test\n".into(), &["drop-table"]),
        ("rename a column", "-- migrate:up\nALTER TABLE posts RENAME COLUMN body TO content;\n-- migrate:down\nALTER TABLE posts RENAME COLUMN content TO body;\n".into(), &["rename-column"]),
        ("ADD CONSTRAINT UNIQUE", "-- migrate:up\nALTER TABLE posts ADD CONSTRAINT posts_title_key UNIQUE (title);\n-- migrate:irreversible: test\n".into(), &["sqlite-unsupported-alter"]),
        ("BEGIN in the runner's transaction", "-- migrate:up\nBEGIN TRANSACTION;\nALTER TABLE users ADD COLUMN bio TEXT;\nCOMMIT;\n-- migrate:down\nALTER TABLE users DROP COLUMN bio;\n".into(), &["transaction-nesting"]),
        ("backfill under the DDL's transaction", "-- migrate:up\nALTER TABLE posts ADD COLUMN word_count INTEGER;\nUPDATE posts SET word_count = length(body) - length(replace(body, ' ', '')) + 1;\n-- migrate:down\nALTER TABLE posts DROP COLUMN word_count;\n".into(), &["dml-in-ddl-transaction"]),
    ];
    for (name, text, expected) in cases {
        let entries = vec![
            FileEntry {
                rel_path: "0001_base.sql".into(),
                bytes: BASE.as_bytes().to_vec(),
            },
            FileEntry {
                rel_path: "0002_case.sql".into(),
                bytes: text.into_bytes(),
            },
        ];
        let report = lint(
            entries,
            Config {
                dialect: Dialect::Sqlite,
                ..Config::default()
            },
        );
        let mut got: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
        got.sort();
        got.dedup();
        assert_eq!(got, expected, "{name}:\n{}", report.render(false));
        if name.contains("view names") {
            // The engine agrees: the rename into place fails.
            let db = Connection::open_in_memory().unwrap();
            apply(&db, &report, &report.migrations[0].up).unwrap();
            let Err((sql, e)) = apply(&db, &report, &report.migrations[1].up) else {
                panic!("{name}: the engine ran it");
            };
            assert!(
                sql.contains("RENAME TO posts") && e.contains("error in view post_titles"),
                "{sql}: {e}"
            );
        }
        if expected.is_empty() {
            let db = Connection::open_in_memory().unwrap();
            apply(&db, &report, &report.migrations[0].up).unwrap();
            seed(&db);
            if let Err((sql, e)) = apply(&db, &report, &report.migrations[1].up) {
                panic!("{name}: up: `{sql}`: {e}");
            }
            let posts: i64 = db
                .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
                .unwrap();
            assert_eq!(posts, 1, "{name}: the posts survived");
            if let Some(down) = &report.migrations[1].down
                && let Err((sql, e)) = apply(&db, &report, down)
            {
                panic!("{name}: down: `{sql}`: {e}");
            }
        }
    }
}

/// MySQL's `ADD COLUMN … AFTER d` (or `FIRST`), found in real projects:
/// SQLite accepts it, reading the position as more words of the declared
/// type, and adds the column last. The checker understands it (no
/// `parse-error`) and gives the column the type the engine records.
#[test]
fn a_mysql_column_position_is_part_of_the_declared_type() {
    use migrate_check::{Recognized, SourceFile, parse};
    use sqlparser::ast::{AlterTableOperation, Statement};
    const SETUP: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, d TEXT);";
    let forms = [
        ("ALTER TABLE t ADD COLUMN c TEXT AFTER d", "c"),
        ("ALTER TABLE t ADD e TEXT FIRST", "e"),
        ("ALTER TABLE t ADD COLUMN f AFTER d", "f"),
        (
            "ALTER TABLE t ADD COLUMN g INT AFTER \"d\" NOT NULL DEFAULT 0",
            "g",
        ),
    ];
    for (sql, column) in forms {
        let entries = vec![FileEntry {
            rel_path: "0001_t.sql".into(),
            bytes: format!("-- migrate:up\n{SETUP}\n{sql};\n-- migrate:irreversible: test\n")
                .into_bytes(),
        }];
        let report = lint(
            entries,
            Config {
                dialect: Dialect::Sqlite,
                ..Config::default()
            },
        );
        assert!(
            report.diagnostics.iter().all(|d| d.rule != "parse-error"),
            "{}",
            report.render(false)
        );
        let db = Connection::open_in_memory().unwrap();
        apply(&db, &report, &report.migrations[0].up).unwrap_or_else(|e| panic!("{e:?}"));
        let (cid, engine_type): (i64, String) = db
            .query_row(
                "SELECT cid, type FROM pragma_table_info('t') WHERE name = ?1",
                [column],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(cid, 2, "`{sql}`: the column is added last");
        // The checker's statement declares the type the engine records.
        let file = SourceFile::from_text("f.sql", "f.sql", sql);
        let mut lexed = parse::lex(&file, Dialect::Sqlite);
        let n = lexed.tokens.len();
        let (stmt, _, failure) =
            parse::split_and_parse(&file, &mut lexed, 0..n, Dialect::Sqlite).remove(0);
        assert!(failure.is_none(), "`{sql}`");
        let Some(Recognized::WithClause { statement, .. }) = stmt.recognized() else {
            panic!("`{sql}`: {:?}", stmt.kind)
        };
        let Statement::AlterTable(at) = &**statement else {
            panic!("`{sql}`")
        };
        let [AlterTableOperation::AddColumn { column_def, .. }] = &at.operations[..] else {
            panic!("`{sql}`")
        };
        assert_eq!(column_def.data_type.to_string(), engine_type, "`{sql}`");
    }
}
