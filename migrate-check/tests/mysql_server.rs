//! The MySQL rules held against a real server (MariaDB 10.11 in CI; any
//! MySQL or MariaDB at `MIGRATE_TEST_MYSQL`, default
//! `mysql://root@127.0.0.1:3306`). Each test works in a database of its own
//! and drops it. Skipped with a message when the server is unreachable,
//! except under `CI=true`, where that fails.
//!
//! - Every good example of every MySQL rule is real SQL: its ups apply in
//!   order, then its downs in reverse, on a fresh database.
//! - Every claim a rule makes about what the server does — rejects a
//!   statement, ignores a clause, fills zero values, copies a table — is run:
//!   the online-DDL model's algorithm for an ALTER is asserted with
//!   `ALGORITHM=`/`LOCK=` clauses, which the server refuses when it cannot
//!   honour them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use migrate_check::mysql_ddl::{Algorithm, Target, costs_after};
use migrate_check::{Config, Dialect, FileEntry, Input, ServerVersion, check};
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder};

fn base() -> String {
    std::env::var("MIGRATE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn connect(db: &str) -> Result<Conn, String> {
    let opts = Opts::from_url(&format!("{}/{db}", base())).map_err(|e| e.to_string())?;
    let opts = OptsBuilder::from_opts(opts)
        .prefer_socket(false)
        .tcp_connect_timeout(Some(Duration::from_secs(3)));
    Conn::new(opts).map_err(|e| e.to_string())
}

/// A database of its own, dropped on drop.
struct Db {
    name: String,
    conn: Conn,
}

impl Db {
    /// `None` (after saying why) when the server is unreachable outside CI.
    fn create(label: &str) -> Option<Db> {
        let mut admin = match connect("") {
            Ok(c) => c,
            Err(why) if in_ci() => panic!("MySQL is unreachable and CI=true: {why}"),
            Err(why) => {
                eprintln!("skipping: MySQL is unreachable ({why})");
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
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(24)
            .collect();
        let name = format!(
            "mc_{clean}_{}_{}_{:x}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos & 0xffff
        );
        admin
            .query_drop(format!("CREATE DATABASE `{name}`"))
            .unwrap();
        let conn = connect(&name).unwrap();
        Some(Db { name, conn })
    }

    fn exec(&mut self, sql: &str) -> Result<(), String> {
        self.conn.query_drop(sql).map_err(|e| e.to_string())
    }

    fn strings(&mut self, sql: &str) -> Vec<String> {
        self.conn
            .query::<Option<String>, _>(sql)
            .unwrap()
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect()
    }

    fn count(&mut self, sql: &str) -> i64 {
        self.conn.query_first::<i64, _>(sql).unwrap().unwrap_or(0)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = self
            .conn
            .query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
    }
}

/// The server's flavor and version, as a target for the model.
fn server_target(db: &mut Db) -> Target {
    let v = db.strings("SELECT VERSION()").remove(0);
    let numbers: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let version: ServerVersion = numbers.trim_end_matches('.').parse().unwrap();
    Target::new(v.contains("MariaDB"), version)
}

/// An example's files (name, text), without its `migrate.toml` and with the
/// `-- expect:` marks removed.
fn example_files(text: &str) -> Vec<FileEntry> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- file: ") {
            files.push((name.trim().to_string(), String::new()));
            continue;
        }
        let line = line.split(" -- expect: ").next().unwrap_or(line);
        if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    files
        .into_iter()
        .filter(|(n, _)| n != "migrate.toml")
        .map(|(rel_path, body)| FileEntry {
            rel_path,
            bytes: body.into_bytes(),
        })
        .collect()
}

/// The statements of each migration's up and down, as the checker splits them.
fn sections(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let report = check(Input {
        entries: example_files(text),
        display_dir: String::new(),
        config: Config {
            dialect: Dialect::MySql,
            ..Config::default()
        },
        config_source: None,
    });
    let texts = |s: &migrate_check::Section| -> Vec<String> {
        s.statements
            .iter()
            .map(|st| report.statement_text(s, st).to_string())
            .collect()
    };
    report
        .migrations
        .iter()
        .map(|m| (texts(&m.up), m.down.as_ref().map(texts).unwrap_or_default()))
        .collect()
}

#[test]
fn every_good_mysql_example_applies_and_rolls_back() {
    let mut applied = 0;
    let mut failures = Vec::new();
    for rule in migrate_check::rules::all() {
        for ex in rule.good.iter().filter(|e| e.dialect == Dialect::MySql) {
            let Some(mut db) = Db::create(rule.id) else {
                return;
            };
            let migrations = sections(ex.text);
            let ups = migrations.iter().flat_map(|(up, _)| up.iter());
            let downs = migrations.iter().rev().flat_map(|(_, down)| down.iter());
            for (i, sql) in ups.chain(downs).enumerate() {
                if let Err(e) = db.exec(sql) {
                    failures.push(format!("{} (statement {i}): {sql}\n  → {e}", rule.id));
                    break;
                }
            }
            applied += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(applied >= 30, "only {applied} MySQL good examples");
}

/// Whether the server accepts `alter` with an extra clause, on a fresh copy
/// of the `setup` schema holding one row.
fn accepts(setup: &str, row: &str, alter: &str, clause: &str) -> Option<Result<(), String>> {
    let mut db = Db::create("alg")?;
    for sql in setup.split(';').filter(|s| !s.trim().is_empty()) {
        db.exec(sql).unwrap();
    }
    db.exec(row).unwrap();
    Some(db.exec(&format!("{alter}, {clause}")))
}

#[test]
fn the_online_ddl_model_matches_the_server() {
    let Some(mut probe) = Db::create("target") else {
        return;
    };
    let target = server_target(&mut probe);
    drop(probe);
    const SETUP: &str = "CREATE TABLE o (id bigint PRIMARY KEY, status varchar(20) NOT NULL, \
        note varchar(50), state ENUM('new','paid','shipped') NOT NULL DEFAULT 'new', body text, \
        qty int NOT NULL, cid bigint) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; \
        CREATE TABLE c (id bigint PRIMARY KEY) ENGINE=InnoDB";
    const ROW: &str = "INSERT INTO o VALUES (1, 'a', 'b', 'new', 'x', 1, NULL)";
    // Each ALTER the rules judge: what the model says must be what the
    // server does when asked for that algorithm or lock.
    let alters = [
        "ALTER TABLE o MODIFY note varchar(100)",
        "ALTER TABLE o MODIFY note varchar(60)",
        "ALTER TABLE o MODIFY note varchar(40)",
        "ALTER TABLE o MODIFY state ENUM('new','cancelled','paid','shipped') NOT NULL DEFAULT 'new'",
        "ALTER TABLE o MODIFY state ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new'",
        "ALTER TABLE o MODIFY qty bigint NOT NULL",
        "ALTER TABLE o MODIFY note varchar(50) NOT NULL",
        "ALTER TABLE o MODIFY status varchar(20) NULL",
        "ALTER TABLE o ADD COLUMN a int AFTER id",
        "ALTER TABLE o ADD COLUMN a int",
        "ALTER TABLE o ADD COLUMN t datetime DEFAULT (now())",
        "ALTER TABLE o ADD COLUMN g bigint GENERATED ALWAYS AS (id * 2) STORED",
        "ALTER TABLE o ADD COLUMN v bigint GENERATED ALWAYS AS (id * 2) VIRTUAL",
        "ALTER TABLE o ADD COLUMN seq bigint NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY o_seq (seq)",
        "ALTER TABLE o ADD FULLTEXT INDEX o_body_ft (body)",
        "ALTER TABLE o ADD INDEX o_status (status)",
        "ALTER TABLE o ADD CONSTRAINT o_qty CHECK (qty > 0)",
        "ALTER TABLE o ADD CONSTRAINT o_c FOREIGN KEY (cid) REFERENCES c (id)",
        "ALTER TABLE o DROP PRIMARY KEY",
        "ALTER TABLE o DROP PRIMARY KEY, ADD PRIMARY KEY (id, qty)",
        "ALTER TABLE o DROP COLUMN note",
    ];
    let mut wrong = Vec::new();
    for alter in alters {
        let costs = costs_after(SETUP, alter, target).unwrap();
        let heaviest = costs.iter().map(|c| c.algorithm).max().unwrap();
        let online = costs.iter().all(|c| c.concurrent_dml);
        let Some(inplace) = accepts(SETUP, ROW, alter, "ALGORITHM=INPLACE") else {
            return;
        };
        // COPY in the model ⇔ the server refuses INPLACE.
        if (heaviest == Algorithm::Copy) != inplace.is_err() {
            wrong.push(format!(
                "{alter}: model {heaviest}, server INPLACE → {inplace:?}"
            ));
        }
        if heaviest == Algorithm::Instant {
            let instant = accepts(SETUP, ROW, alter, "ALGORITHM=INSTANT").unwrap();
            if let Err(e) = instant {
                wrong.push(format!("{alter}: model INSTANT, server → {e}"));
            }
        }
        if heaviest != Algorithm::Copy {
            let lock_none = accepts(SETUP, ROW, alter, "LOCK=NONE").unwrap();
            if online != lock_none.is_ok() {
                wrong.push(format!(
                    "{alter}: model concurrent DML {online}, server LOCK=NONE → {lock_none:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{target}:\n{}", wrong.join("\n"));
}

#[test]
fn foreign_key_checks_off_lets_the_key_be_added_in_place() {
    let Some(mut db) = Db::create("fkc") else {
        return;
    };
    db.exec("CREATE TABLE c (id bigint PRIMARY KEY) ENGINE=InnoDB")
        .unwrap();
    db.exec("CREATE TABLE o (id bigint PRIMARY KEY, cid bigint, KEY (cid)) ENGINE=InnoDB")
        .unwrap();
    let alter = "ALTER TABLE o ADD CONSTRAINT o_c FOREIGN KEY (cid) REFERENCES c (id), ALGORITHM=INPLACE, LOCK=NONE";
    assert!(
        db.exec(alter).is_err(),
        "INPLACE with foreign_key_checks on"
    );
    db.exec("SET foreign_key_checks = 0").unwrap();
    db.exec(alter).unwrap();
}

/// The checker's findings of one rule on an example-like text.
fn findings(text: &str, mariadb: Option<ServerVersion>, rule: &str) -> usize {
    let report = check(Input {
        entries: example_files(text),
        display_dir: String::new(),
        config: Config {
            dialect: Dialect::MySql,
            mariadb_version: mariadb,
            ..Config::default()
        },
        config_source: None,
    });
    report.diagnostics.iter().filter(|d| d.rule == rule).count()
}

#[test]
fn inline_references_create_a_key_exactly_when_the_rule_says_so() {
    let Some(mut db) = Db::create("inline_ref") else {
        return;
    };
    let target = server_target(&mut db);
    let rule = migrate_check::rules::by_id("inline-references-ignored").unwrap();
    let bad = rule.bad[0].text;
    for (up, _) in sections(bad) {
        for sql in up {
            db.exec(&sql).unwrap();
        }
    }
    let keys = db.count(&format!(
        "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '{}'",
        db.name
    ));
    // The rule, told which server this is, must agree with it.
    let mariadb =
        (target.flavor == migrate_check::mysql_ddl::Flavor::MariaDb).then_some(target.version);
    let reported = findings(bad, mariadb, rule.id);
    assert_eq!(
        keys == 0,
        reported > 0,
        "{target}: {keys} foreign keys created, {reported} findings"
    );
    // And on MySQL semantics (no mariadb_version) it always reports.
    assert!(findings(bad, None, rule.id) > 0);
}

#[test]
fn ddl_commits_implicitly() {
    let Some(mut db) = Db::create("implicit") else {
        return;
    };
    db.exec("START TRANSACTION").unwrap();
    db.exec("CREATE TABLE a (id int)").unwrap();
    db.exec("ROLLBACK").unwrap();
    assert_eq!(
        db.count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'a'"),
        1,
        "a rolled-back CREATE TABLE survives: DDL is not transactional"
    );
}

#[test]
fn add_not_null_column_fills_zero_values_even_in_strict_mode() {
    let Some(mut db) = Db::create("zero") else {
        return;
    };
    db.exec("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'")
        .unwrap();
    db.exec("CREATE TABLE t (id int PRIMARY KEY)").unwrap();
    db.exec("INSERT INTO t VALUES (1)").unwrap();
    db.exec("ALTER TABLE t ADD COLUMN n int NOT NULL, ADD COLUMN s varchar(10) NOT NULL")
        .unwrap();
    assert_eq!(db.strings("SELECT CONCAT(n, '|', s) FROM t"), ["0|"]);
}

#[test]
fn the_bad_statements_the_server_rejects_are_rejected() {
    // (rule, setup, statement the rule calls sure to fail)
    let cases = [
        (
            "identifier-too-long",
            "CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL)",
            "CREATE INDEX index_orders_on_status_for_the_nightly_reconciliation_and_refund_report_job ON orders (status)",
        ),
        (
            "duplicate-column-assignments",
            "CREATE TABLE orders (id bigint PRIMARY KEY)",
            "ALTER TABLE orders ADD COLUMN shipped_at datetime NULL, ADD COLUMN shipped_at datetime NULL",
        ),
        (
            "fulltext-or-spatial-index",
            "CREATE TABLE articles (id bigint PRIMARY KEY, body text) ENGINE=InnoDB",
            "ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (body), LOCK=NONE",
        ),
        (
            "modify-primary-key",
            "CREATE TABLE orders (id bigint PRIMARY KEY) ENGINE=InnoDB",
            "ALTER TABLE orders DROP PRIMARY KEY, ALGORITHM=INPLACE",
        ),
    ];
    for (rule, setup, bad) in cases {
        let Some(mut db) = Db::create(rule) else {
            return;
        };
        db.exec(setup).unwrap();
        assert!(db.exec(bad).is_err(), "{rule}: the server accepted {bad}");
        // The rule reports it too.
        let text = format!(
            "-- file: 0001_a.sql\n-- migrate:up\n{setup};\n-- migrate:down\nSELECT 1;\n-- file: 0002_b.sql\n-- migrate:up\n{bad};\n-- migrate:down\nSELECT 1;\n"
        );
        assert!(findings(&text, None, rule) > 0, "{rule} misses {bad}");
    }
}

/// MySQL statements sqlparser rejects but the server accepts, found in real
/// projects: the checker understands them (no `parse-error`), and the
/// server runs them all, in order.
#[test]
fn forms_from_real_projects_parse_and_run() {
    let Some(mut db) = Db::create("forms") else {
        return;
    };
    const FORMS: &str = "-- file: 0001_forms.sql
-- migrate:up
CREATE TABLE t1 (id int PRIMARY KEY, x int);
CREATE TABLE t2 (id int PRIMARY KEY, x int);
INSERT INTO t1 VALUES (1, 1), (2, 2);
INSERT INTO t2 VALUES (1, 5);
SET @v := (SELECT COUNT(*) FROM t1);
SET @v = 1;
SET @a := 1, @b := @v + 1;
SET @sql := (SELECT IF(COUNT(*) = 0, 'ALTER TABLE t1 ADD COLUMN y int', 'SELECT 1') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't1' AND COLUMN_NAME = 'y');
PREPARE s FROM @sql;
EXECUTE s;
DEALLOCATE PREPARE s;
PREPARE s2 FROM 'UPDATE t1 SET x = x + ? WHERE id = ?';
EXECUTE s2 USING @a, @a;
DROP PREPARE s2;
UPDATE t1 a, t2 b SET a.x = b.x WHERE a.id = b.id;
UPDATE t1 a JOIN t2 b ON a.id = b.id SET a.x = b.x + 1;
UPDATE t1 INNER JOIN t2 ON t1.id = t2.id SET t1.x = t2.x WHERE t2.x > 0;
UPDATE t1 a LEFT JOIN t2 b ON a.id = b.id SET a.x = COALESCE(b.x, 0);
-- migrate:irreversible: test
";
    let report = check(Input {
        entries: example_files(FORMS),
        display_dir: String::new(),
        config: Config {
            dialect: Dialect::MySql,
            ..Config::default()
        },
        config_source: None,
    });
    assert!(
        report.diagnostics.iter().all(|d| d.rule != "parse-error"),
        "{}",
        report.render(false)
    );
    let (up, _) = sections(FORMS).remove(0);
    assert_eq!(up.len(), 18);
    for sql in &up {
        db.exec(sql).unwrap_or_else(|e| panic!("`{sql}`: {e}"));
    }
    // The prepared ALTER ran, and the updates did what they say.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't1' AND COLUMN_NAME = 'y'"),
        1
    );
    assert_eq!(
        db.strings("SELECT CONCAT(id, ':', x) FROM t1 ORDER BY id"),
        ["1:5", "2:0"]
    );
}
