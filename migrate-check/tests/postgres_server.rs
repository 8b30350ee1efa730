//! PostgreSQL statements the checker understands, held against a real
//! server (PostgreSQL 15 in CI; any server at `MIGRATE_TEST_POSTGRES`,
//! default `postgres://postgres@127.0.0.1:5432`, a superuser: event
//! triggers need one). Each test works in a database of its own and drops
//! it. Skipped with a message when the server is unreachable, except under
//! `CI=true`, where that fails.
//!
//! - Statements sqlparser rejects but the server accepts, found in real
//!   projects, are parsed, recovered or recognized (no `parse-error`), and
//!   all of them run on the server.
//! - The table locks the checker says a statement takes are the ones the
//!   server holds while it runs (`pg_locks` before commit).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use migrate_check::locks::{LockMode, locks};
use migrate_check::model::Schema;
use migrate_check::{Config, Dialect, FileEntry, Input, SourceFile, Stmt, check, parse};
use postgres::{Client, NoTls};

fn base() -> String {
    std::env::var("MIGRATE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn connect(db: &str) -> Result<Client, String> {
    let mut config: postgres::Config = format!("{}/{db}", base())
        .parse()
        .map_err(|e: postgres::Error| e.to_string())?;
    config.connect_timeout(Duration::from_secs(3));
    config.connect(NoTls).map_err(|e| e.to_string())
}

/// A database of its own, dropped on drop.
struct Db {
    name: String,
    conn: Option<Client>,
}

impl Db {
    /// `None` (after saying why) when the server is unreachable outside CI.
    fn create(label: &str) -> Option<Db> {
        let mut admin = match connect("postgres") {
            Ok(c) => c,
            Err(why) if in_ci() => panic!("PostgreSQL is unreachable and CI=true: {why}"),
            Err(why) => {
                eprintln!("skipping: PostgreSQL is unreachable ({why})");
                return None;
            }
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let clean: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(24)
            .collect();
        let name = format!(
            "mc_{clean}_{}_{}_{:x}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos & 0xffff
        );
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        let conn = connect(&name).unwrap();
        Some(Db {
            name,
            conn: Some(conn),
        })
    }

    fn conn(&mut self) -> &mut Client {
        self.conn.as_mut().unwrap()
    }

    fn exec(&mut self, sql: &str) -> Result<(), String> {
        self.conn().batch_execute(sql).map_err(|e| e.to_string())
    }

    /// The tables of the public schema.
    fn tables(&mut self) -> Vec<String> {
        self.conn()
            .query(
                "SELECT relname::text FROM pg_class WHERE relkind IN ('r', 'p', 'f') \
                 AND relnamespace = 'public'::regnamespace",
                &[],
            )
            .unwrap()
            .into_iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// The table locks this session holds, by table name.
    fn held_locks(&mut self) -> Vec<(String, String)> {
        self.conn()
            .query(
                "SELECT c.relname::text, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 WHERE l.pid = pg_backend_pid() AND l.granted AND c.relkind IN ('r', 'p', 'f') \
                 AND c.relnamespace = 'public'::regnamespace ORDER BY 1, 2",
                &[],
            )
            .unwrap()
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // Disconnect first: a database with a session cannot be dropped.
        drop(self.conn.take());
        if let Ok(mut admin) = connect("postgres") {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\"", self.name));
        }
    }
}

/// `pg_locks`' name of a mode (`AccessExclusiveLock`).
fn pg_mode(mode: LockMode) -> String {
    let words: String = mode
        .name()
        .split(' ')
        .map(|w| w[..1].to_string() + &w[1..].to_ascii_lowercase())
        .collect();
    format!("{words}Lock")
}

/// The order of `pg_locks`' modes, weakest first.
fn strength(mode: &str) -> usize {
    [
        LockMode::AccessShare,
        LockMode::RowShare,
        LockMode::RowExclusive,
        LockMode::ShareUpdateExclusive,
        LockMode::Share,
        LockMode::ShareRowExclusive,
        LockMode::Exclusive,
        LockMode::AccessExclusive,
    ]
    .iter()
    .position(|m| pg_mode(*m) == mode)
    .unwrap_or_else(|| panic!("unknown lock mode {mode}"))
}

/// The statements of `sql` as the checker parses them, with their text.
fn statements(sql: &str) -> Vec<(String, Stmt)> {
    let file = SourceFile::from_text("f.sql", "f.sql", sql);
    let mut lexed = parse::lex(&file, Dialect::Postgres);
    let n = lexed.tokens.len();
    parse::split_and_parse(&file, &mut lexed, 0..n, Dialect::Postgres)
        .into_iter()
        .map(|(stmt, _, failure)| {
            let text = file.text[stmt.span.clone()].to_string();
            assert!(failure.is_none(), "`{text}`: {failure:?}");
            (text, stmt)
        })
        .collect()
}

/// Setup, then the forms (one statement a line; `--` lines are comments).
const FORMS: &str = r#"
CREATE TABLE t (id int PRIMARY KEY, a int[], x int, j jsonb, c int NOT NULL DEFAULT 0);
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE ch (id int, pid int CONSTRAINT ch_fk REFERENCES p (id));
CREATE TABLE idt (id int NOT NULL, j int NOT NULL, k int NOT NULL);
INSERT INTO t (id, a, x, j) VALUES (1, '{1,2}', 1, '{}');
CREATE SEQUENCE s;
CREATE SCHEMA y;
CREATE TYPE mood AS ENUM ('a', 'b');
CREATE INDEX ia ON t (x);
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE FOREIGN DATA WRAPPER w;
CREATE SERVER fs FOREIGN DATA WRAPPER w;
ALTER SEQUENCE s RESTART;
ALTER SEQUENCE s RESTART WITH 10;
ALTER SEQUENCE s RENAME TO s2;
ALTER SEQUENCE IF EXISTS s2 INCREMENT BY 2 MINVALUE 1 MAXVALUE 1000 CACHE 5 NO CYCLE;
ALTER SEQUENCE IF EXISTS missing INCREMENT 2;
ALTER SEQUENCE s2 AS bigint START WITH 5;
ALTER SEQUENCE s2 SET SCHEMA y;
ALTER SEQUENCE y.s2 OWNED BY NONE;
ALTER TABLE ch ALTER CONSTRAINT ch_fk DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ch ALTER CONSTRAINT ch_fk NOT DEFERRABLE;
ALTER TABLE ch ALTER CONSTRAINT ch_fk DEFERRABLE INITIALLY IMMEDIATE;
CREATE OR REPLACE FUNCTION f1(i int4) RETURNS int LANGUAGE sql COST 100 AS $$ SELECT i $$;
CREATE FUNCTION f2() RETURNS SETOF int AS $$ BEGIN RETURN NEXT 1; END $$ LANGUAGE plpgsql volatile cost 100 ROWS 10;
CREATE FUNCTION f3() RETURNS SETOF int ROWS 5 COST 10 AS $$ SELECT 1 $$ LANGUAGE sql;
CREATE STATISTICS st1 (dependencies) ON id, x FROM t;
CREATE STATISTICS st2 (dependencies) ON id, c FROM t;
DROP STATISTICS IF EXISTS st1, st2;
DROP STATISTICS IF EXISTS st1;
ALTER TYPE mood SET SCHEMA y;
ALTER TABLE idt ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE idt ALTER j ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 2);
ALTER TABLE idt ALTER k ADD GENERATED BY DEFAULT AS IDENTITY (RESTART 5);
VACUUM (FULL false) t;
UPDATE t SET a[1] = 1;
UPDATE t SET a[1] = 5, a[2] = 6;
UPDATE t AS b SET x = 1;
UPDATE t AS b SET x = b.x + 1 WHERE b.id = 1;
UPDATE t b SET a[2] = 3, j['k'] = '1' WHERE b.id = 1;
CREATE FOREIGN TABLE ft (id int NOT NULL, name text) SERVER fs OPTIONS (schema_name 'public', table_name 'u');
CREATE FOREIGN TABLE IF NOT EXISTS ft2 (id int) SERVER fs;
COMMENT ON FUNCTION f1(int4) IS 'one';
COMMENT ON CONSTRAINT ch_fk ON ch IS 'the parent';
ALTER INDEX IF EXISTS ia RENAME TO ib;
ALTER INDEX IF EXISTS missing RENAME TO ib2;
CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION evt();
DROP EVENT TRIGGER IF EXISTS e;
DROP EVENT TRIGGER IF EXISTS e;
"#;

#[test]
fn forms_from_real_projects_parse_and_run() {
    let Some(mut db) = Db::create("forms") else {
        return;
    };
    let sql: String = FORMS.trim_start().to_string();
    // The checker: no parse-error anywhere.
    let report = check(Input {
        entries: vec![FileEntry {
            rel_path: "0001_forms.sql".into(),
            bytes: format!(
                "-- migrate:up\n-- migrate:no-transaction\n{sql}-- migrate:irreversible: test\n"
            )
            .into_bytes(),
        }],
        display_dir: String::new(),
        config: Config {
            dialect: Dialect::Postgres,
            ..Config::default()
        },
        config_source: None,
    });
    assert_eq!(
        report.migrations[0].up.statements.len(),
        sql.lines().count()
    );
    assert!(
        report.diagnostics.iter().all(|d| d.rule != "parse-error"),
        "{}",
        report.render(false)
    );
    // The server: each statement runs, and holds the table locks the
    // checker says it takes (strongest per table), and no other lock that
    // blocks writes on a table that existed before it.
    let mut schema = Schema::default();
    let mut wrong = Vec::new();
    for (text, stmt) in statements(&sql) {
        let claimed = locks(&stmt, &schema);
        if text.starts_with("VACUUM") {
            // Not in a transaction block: nothing to observe.
            db.exec(&text).unwrap_or_else(|e| panic!("`{text}`: {e}"));
        } else {
            // A table the statement creates is locked by it, harmlessly.
            let existing = db.tables();
            db.exec("BEGIN").unwrap();
            db.exec(&text).unwrap_or_else(|e| panic!("`{text}`: {e}"));
            let held = db.held_locks();
            db.exec("COMMIT").unwrap();
            for l in &claimed {
                let strongest = held
                    .iter()
                    .filter(|(t, _)| *t == l.table)
                    .map(|(_, m)| m.as_str())
                    .max_by_key(|m| strength(m));
                if strongest != Some(pg_mode(l.mode).as_str()) {
                    wrong.push(format!(
                        "`{text}`: checker {} on {}, server {strongest:?}",
                        l.mode, l.table
                    ));
                }
            }
            for (table, mode) in &held {
                if strength(mode) >= strength(&pg_mode(LockMode::Share))
                    && existing.contains(table)
                    && !claimed.iter().any(|l| &l.table == table)
                {
                    wrong.push(format!("`{text}`: server {mode} on {table}, checker none"));
                }
            }
        }
        schema.apply(&stmt, 0);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The model followed the renames.
    assert!(schema.index("ib").is_some_and(|i| i.table == "t"));
    assert!(schema.index("ia").is_none());
}

#[test]
fn do_with_a_number_is_refused_by_the_server_and_the_checker() {
    let Some(mut db) = Db::create("do1") else {
        return;
    };
    assert!(db.exec("DO 1").is_err());
    let report = check(Input {
        entries: vec![FileEntry {
            rel_path: "0001_do.sql".into(),
            bytes: b"-- migrate:up\nDO 1;\n-- migrate:irreversible: test\n".to_vec(),
        }],
        display_dir: String::new(),
        config: Config {
            dialect: Dialect::Postgres,
            ..Config::default()
        },
        config_source: None,
    });
    assert!(report.diagnostics.iter().any(|d| d.rule == "parse-error"));
}
