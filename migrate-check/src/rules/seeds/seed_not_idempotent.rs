//! `seed-not-idempotent`: a seed statement that does not leave the data as
//! it was when it runs a second time — a plain `INSERT`, a `DELETE` or
//! `UPDATE` of every row, a `TRUNCATE` or `COPY … FROM` — or DDL in a seed.

use sqlparser::ast::{
    BinaryOperator, Expr, FromTable, InTarget, Insert, JoinOperator, Select, SetExpr, SetOperator,
    SqliteOnConflict, Statement, TableFactor, TableObject, UnaryOperator,
};

use crate::config::{Dialect, Level};
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule, SectionKind};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "seed-not-idempotent",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "a seed statement changes the data again, or fails, when the seed runs a second time",
    explanation: "A seed runs again whenever its file changes (the checksum recorded for it no longer matches), and on every new database, while the rows it wrote last time are still there. A plain INSERT then fails on the unique key — rolling the whole seed back — or, without one, duplicates the reference rows; a DELETE or UPDATE without WHERE, a TRUNCATE or a COPY … FROM wipes, rewrites or appends rows the application may have changed since; DDL in a seed changes the schema outside the migration history, where no down section, lock check or checksum follows it. Only statements that leave the data as they found it on a second run are safe in a seed.",
    lock: "",
    safe_alternative: "make every statement safe to run twice: PostgreSQL and SQLite `INSERT … ON CONFLICT (key) DO UPDATE SET …` (or `DO NOTHING`), SQLite `INSERT OR IGNORE` / `INSERT OR REPLACE`, MySQL `INSERT … ON DUPLICATE KEY UPDATE …`, `INSERT IGNORE` or `REPLACE INTO`, or anywhere `INSERT … SELECT … WHERE NOT EXISTS (…)`; give DELETE and UPDATE a WHERE naming the rows the seed owns; move schema changes to a migration",
    equivalents: "Rails: seeds.rb guidance (`find_or_create_by!`), not checked · Flyway: repeatable `R__` migrations rerun on checksum change, not checked · sqlx, refinery, diesel, dbmate: no seeds · squawk, eugene, strong_migrations, Atlas: none",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
-- migrate:down
DROP TABLE countries;
-- file: seeds/01_countries.sql
DELETE FROM countries; -- expect: seed-not-idempotent
INSERT INTO countries (code, name) VALUES ('fr', 'France'), ('de', 'Germany'); -- expect: seed-not-idempotent
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(80) NOT NULL);
-- migrate:down
DROP TABLE countries;
-- file: seeds/01_countries.sql
ALTER TABLE countries ADD COLUMN flag VARCHAR(8); -- expect: seed-not-idempotent
UPDATE countries SET name = UPPER(name); -- expect: seed-not-idempotent
INSERT INTO countries (code, name) VALUES ('fr', 'France'); -- expect: seed-not-idempotent
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL);
-- migrate:down
DROP TABLE countries;
-- file: seeds/01_countries.sql
-- migrate:env(dev, test)
INSERT OR ABORT INTO countries (code, name) VALUES ('fr', 'France'); -- expect: seed-not-idempotent
CREATE INDEX countries_name ON countries (name); -- expect: seed-not-idempotent
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
-- migrate:down
DROP TABLE countries;
-- file: seeds/01_countries.sql
DELETE FROM countries WHERE code = 'yu';
INSERT INTO countries (code, name) VALUES ('fr', 'France'), ('de', 'Germany')
ON CONFLICT (code) DO UPDATE SET name = excluded.name;
-- file: seeds/02_test_countries.sql
-- migrate:env(dev, test)
INSERT INTO countries (code, name)
SELECT 'zz', 'Testland'
WHERE NOT EXISTS (SELECT 1 FROM countries WHERE code = 'zz');
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(80) NOT NULL);
-- migrate:down
DROP TABLE countries;
-- file: seeds/01_countries.sql
INSERT INTO countries (code, name) VALUES ('fr', 'France')
ON DUPLICATE KEY UPDATE name = VALUES(name);
INSERT IGNORE INTO countries (code, name) VALUES ('de', 'Germany');
REPLACE INTO countries (code, name) VALUES ('it', 'Italy');
UPDATE countries SET name = 'Czechia' WHERE code = 'cz';
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL);
-- migrate:down
DROP TABLE countries;
-- file: seeds/01_countries.sql
INSERT OR IGNORE INTO countries (code, name) VALUES ('fr', 'France');
INSERT OR REPLACE INTO countries (code, name) VALUES ('de', 'Germany');
INSERT INTO countries (code, name) VALUES ('it', 'Italy')
ON CONFLICT (code) DO UPDATE SET name = excluded.name;
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section != SectionKind::Seed {
        return;
    }
    let Some(problem) = problem(stmt) else {
        return;
    };
    match problem {
        Problem::Insert(table) => {
            let f = out.report(
                format!("plain `INSERT` into `{table}` in a seed"),
                "fails on the unique key, or duplicates the rows, when the seed runs again",
            );
            f.help = Some(insert_help(ctx.dialect).into());
        }
        Problem::Every { verb, table } => {
            let f = out.report(
                format!("`{verb}` of every row of `{table}` in a seed"),
                "no WHERE: runs over rows the application may have changed, every time the seed runs",
            );
            f.help = Some(format!(
                "restrict the {verb} with a WHERE naming the rows this seed owns (`WHERE code IN (…)`)"
            ));
        }
        Problem::Truncate => {
            let f = out.report(
                "`TRUNCATE` in a seed",
                "empties the table every time the seed runs",
            );
            f.help = Some("delete only the rows this seed owns (`DELETE … WHERE code IN (…)`), then insert with a conflict clause".into());
        }
        Problem::Load => {
            let f = out.report(
                "bulk load in a seed",
                "appends every row again each time the seed runs",
            );
            f.help = Some(format!(
                "insert the rows with {} instead",
                insert_help(ctx.dialect)
            ));
        }
        Problem::Schema => {
            let what = leading_keywords(ctx.text(stmt));
            let f = out.report(
                format!("`{what}` in a seed: seeds hold data, not schema changes"),
                "changes the schema outside the migration history",
            );
            f.help = Some("move it to a migration (with its down section), where it is versioned, checked for locks and rolled back like the rest of the schema".into());
        }
    }
}

fn insert_help(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => {
            "`INSERT … ON CONFLICT (key) DO UPDATE SET col = excluded.col` (or `DO NOTHING`), or `INSERT … SELECT … WHERE NOT EXISTS (…)`"
        }
        Dialect::MySql => {
            "`INSERT … ON DUPLICATE KEY UPDATE col = VALUES(col)`, `INSERT IGNORE`, `REPLACE INTO`, or `INSERT … SELECT … WHERE NOT EXISTS (…)`"
        }
        Dialect::Sqlite => {
            "`INSERT … ON CONFLICT (key) DO UPDATE SET col = excluded.col`, `INSERT OR IGNORE`, `INSERT OR REPLACE`, or `INSERT … SELECT … WHERE NOT EXISTS (…)`"
        }
    }
}

/// What is wrong with a seed statement.
enum Problem {
    /// An INSERT that fails or duplicates on a second run.
    Insert(String),
    /// A DELETE or UPDATE without WHERE.
    Every { verb: &'static str, table: String },
    /// TRUNCATE.
    Truncate,
    /// COPY … FROM, LOAD DATA.
    Load,
    /// DDL, privileges, maintenance: not data.
    Schema,
}

fn problem(stmt: &Stmt) -> Option<Problem> {
    match stmt.ast() {
        Some(ast) => statement_problem(ast),
        None => match stmt.recognized()? {
            // A DO block's body is procedural code that can guard itself
            // (IF NOT EXISTS …); a pragma is a setting.
            Recognized::DoBlock { .. } | Recognized::Pragma { .. } => None,
            _ => Some(Problem::Schema),
        },
    }
}

fn statement_problem(ast: &Statement) -> Option<Problem> {
    match ast {
        Statement::Insert(insert) => {
            (!idempotent_insert(insert)).then(|| Problem::Insert(insert_table(insert)))
        }
        Statement::Update(update) if update.selection.is_none() => Some(Problem::Every {
            verb: "UPDATE",
            table: relation_name(&update.table.relation),
        }),
        Statement::Delete(delete) if delete.selection.is_none() && delete.using.is_none() => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            Some(Problem::Every {
                verb: "DELETE",
                table: tables
                    .first()
                    .map_or_else(|| "the table".into(), |t| relation_name(&t.relation)),
            })
        }
        Statement::Update(_) | Statement::Delete(_) => None,
        Statement::Truncate(_) => Some(Problem::Truncate),
        Statement::Copy { to: false, .. } | Statement::LoadData { .. } => Some(Problem::Load),
        // `WITH … INSERT/UPDATE/DELETE …`: the statement after the CTEs.
        Statement::Query(query) => match query.body.as_ref() {
            SetExpr::Insert(inner) | SetExpr::Update(inner) | SetExpr::Delete(inner) => {
                statement_problem(inner)
            }
            _ => None,
        },
        s if is_data_or_session(s) => None,
        _ => Some(Problem::Schema),
    }
}

/// Statements that read data, merge it, or set up the session: fine in a seed.
fn is_data_or_session(s: &Statement) -> bool {
    matches!(
        s,
        Statement::Query(_)
            | Statement::Merge(_)
            | Statement::Copy { .. }
            | Statement::Set(_)
            | Statement::Reset(_)
            | Statement::Call(_)
            | Statement::Execute { .. }
            | Statement::Prepare { .. }
            | Statement::Deallocate { .. }
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Savepoint { .. }
            | Statement::ReleaseSavepoint { .. }
            | Statement::Pragma { .. }
            | Statement::Lock(_)
            | Statement::LockTables { .. }
            | Statement::UnlockTables
            | Statement::Declare { .. }
            | Statement::Fetch { .. }
            | Statement::Close { .. }
            | Statement::Explain { .. }
            | Statement::ExplainTable { .. }
            | Statement::Analyze(_)
            | Statement::Use(_)
            | Statement::If(_)
            | Statement::Case(_)
            | Statement::While(_)
            | Statement::Raise(_)
            | Statement::NOTIFY { .. }
            | Statement::LISTEN { .. }
            | Statement::UNLISTEN { .. }
            | Statement::ShowVariable { .. }
            | Statement::ShowVariables { .. }
            | Statement::ShowStatus { .. }
            | Statement::ShowTables { .. }
            | Statement::ShowColumns { .. }
            | Statement::ShowCreate { .. }
    )
}

/// Whether running the INSERT again leaves the data as it is.
fn idempotent_insert(insert: &Insert) -> bool {
    // `ON CONFLICT …` (PostgreSQL, SQLite), `ON DUPLICATE KEY UPDATE` (MySQL).
    insert.on.is_some()
        || matches!(
            insert.or,
            Some(SqliteOnConflict::Ignore | SqliteOnConflict::Replace)
        )
        || insert.ignore
        || insert.replace_into
        || insert
            .source
            .as_ref()
            .is_some_and(|q| guarded_source(&q.body, &insert_table(insert)))
}

/// A source that leaves out the rows the target already has:
/// `… WHERE NOT EXISTS (…)`, `… WHERE k NOT IN (SELECT …)`, an anti-join
/// (`LEFT JOIN target t ON … WHERE t.k IS NULL`), or `… EXCEPT SELECT … FROM target`.
fn guarded_source(body: &SetExpr, target: &str) -> bool {
    match body {
        SetExpr::Select(select) => select.selection.as_ref().is_some_and(|w| {
            guards_absence(w) || {
                let aliases = left_joined(select, target);
                !aliases.is_empty() && is_null_on(w, &aliases)
            }
        }),
        SetExpr::Query(q) => guarded_source(&q.body, target),
        SetExpr::SetOperation {
            op: SetOperator::Except,
            right,
            ..
        } => reads(right, target),
        _ => false,
    }
}

/// `WHERE NOT EXISTS (…)` or `WHERE x NOT IN (SELECT …)`, alone or in an `AND`.
fn guards_absence(e: &Expr) -> bool {
    match e {
        Expr::Exists { negated: true, .. } => true,
        Expr::In {
            negated: true,
            target: InTarget::Subquery(_),
            ..
        } => true,
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => matches!(expr.as_ref(), Expr::Exists { negated: false, .. }),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => guards_absence(left) || guards_absence(right),
        Expr::Nested(inner) => guards_absence(inner),
        _ => false,
    }
}

/// The names (alias, or the table's own) under which `target` is LEFT JOINed.
fn left_joined(select: &Select, target: &str) -> Vec<String> {
    select
        .from
        .iter()
        .flat_map(|t| &t.joins)
        .filter(|j| {
            matches!(
                j.join_operator,
                JoinOperator::Left(_) | JoinOperator::LeftOuter(_)
            )
        })
        .filter_map(|j| match &j.relation {
            TableFactor::Table { name, alias, .. } if object(name) == target => Some(
                alias
                    .as_ref()
                    .map_or_else(|| target.to_string(), |a| a.name.value.to_lowercase()),
            ),
            _ => None,
        })
        .collect()
}

/// `alias.col IS NULL`, alone or in an `AND`.
fn is_null_on(e: &Expr, aliases: &[String]) -> bool {
    match e {
        Expr::IsNull(inner) => match inner.as_ref() {
            Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                aliases.contains(&parts[parts.len() - 2].value.to_lowercase())
            }
            _ => false,
        },
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => is_null_on(left, aliases) || is_null_on(right, aliases),
        Expr::Nested(inner) => is_null_on(inner, aliases),
        _ => false,
    }
}

/// Whether a query expression selects from `target`.
fn reads(body: &SetExpr, target: &str) -> bool {
    match body {
        SetExpr::Select(select) => select.from.iter().any(
            |t| matches!(&t.relation, TableFactor::Table { name, .. } if object(name) == target),
        ),
        SetExpr::Query(q) => reads(&q.body, target),
        _ => false,
    }
}

fn insert_table(insert: &Insert) -> String {
    match &insert.table {
        TableObject::TableName(name) => object(name),
        other => other.to_string(),
    }
}

fn relation_name(relation: &TableFactor) -> String {
    match relation {
        TableFactor::Table { name, .. } => object(name),
        _ => "the table".into(),
    }
}

/// `CREATE INDEX`, `ALTER TABLE`, `GRANT`…: the statement's first keywords,
/// for the message.
fn leading_keywords(text: &str) -> String {
    let mut words = text
        .split_whitespace()
        .take_while(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    let first = words.next().unwrap_or_else(|| "this statement".into());
    match (first.as_str(), words.next()) {
        ("CREATE" | "ALTER" | "DROP" | "COMMENT" | "RENAME", Some(second)) => {
            match (second.as_str(), words.next()) {
                ("UNIQUE" | "OR" | "TEMPORARY" | "TEMP", Some(third)) => {
                    format!("{first} {second} {third}")
                }
                _ => format!("{first} {second}"),
            }
        }
        _ => first,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Dialect, FileEntry, Input, SeedInput, check_with_seeds};

    /// The lines of `seed` reported by the rule.
    fn lines(dialect: Dialect, seed: &str) -> Vec<u32> {
        let file = |p: &str, t: &str| FileEntry {
            rel_path: p.into(),
            bytes: t.as_bytes().to_vec(),
        };
        let r = check_with_seeds(
            Input {
                entries: vec![file(
                    "1_t.sql",
                    "-- migrate:up\nCREATE TABLE t (id int PRIMARY KEY, n int);\nCREATE TABLE u (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE u;\nDROP TABLE t;\n",
                )],
                display_dir: "migrations".into(),
                config: Config {
                    dialect,
                    ..Config::default()
                },
                config_source: None,
            },
            SeedInput {
                entries: vec![file("s.sql", seed)],
                display_dir: "seeds".into(),
            },
        );
        let errors: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.rule == "parse-error")
            .collect();
        assert!(errors.is_empty(), "{}", r.render(false));
        r.diagnostics
            .iter()
            .filter(|d| d.rule == "seed-not-idempotent")
            .map(|d| d.line)
            .collect()
    }

    #[test]
    fn inserts_need_a_conflict_clause_or_a_guard() {
        use Dialect::*;
        let cases: &[(Dialect, &str, bool)] = &[
            (Postgres, "INSERT INTO t VALUES (1, 1)", true),
            (
                Postgres,
                "INSERT INTO t VALUES (1, 1) ON CONFLICT DO NOTHING",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = excluded.n",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT 1, 1 WHERE NOT EXISTS (SELECT 1 FROM t WHERE id = 1)",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT id, 0 FROM u WHERE id NOT IN (SELECT id FROM t)",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT id, 0 FROM u WHERE id > 3",
                true,
            ),
            (Postgres, "INSERT INTO t SELECT id, 0 FROM u", true),
            (
                Postgres,
                "INSERT INTO t SELECT u.id, 0 FROM u LEFT JOIN t x ON x.id = u.id WHERE x.id IS NULL",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT u.id, 0 FROM u LEFT JOIN t ON t.id = u.id WHERE t.id IS NULL AND u.id > 0",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT u.id, 0 FROM u LEFT JOIN t x ON x.id = u.id WHERE u.id IS NULL",
                true,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT u.id, 0 FROM u JOIN t x ON x.id = u.id WHERE x.id IS NULL",
                true,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT id, 0 FROM u EXCEPT SELECT id, n FROM t",
                false,
            ),
            (
                Postgres,
                "INSERT INTO t SELECT id, 0 FROM u EXCEPT SELECT id, 0 FROM u",
                true,
            ),
            (
                Postgres,
                "WITH v(id) AS (VALUES (1)) INSERT INTO t SELECT id, 0 FROM v",
                true,
            ),
            (
                Postgres,
                "WITH v(id) AS (VALUES (1)) INSERT INTO t SELECT id, 0 FROM v ON CONFLICT DO NOTHING",
                false,
            ),
            (MySql, "INSERT INTO t VALUES (1, 1)", true),
            (MySql, "INSERT IGNORE INTO t VALUES (1, 1)", false),
            (MySql, "REPLACE INTO t VALUES (1, 1)", false),
            (
                MySql,
                "INSERT INTO t VALUES (1, 1) ON DUPLICATE KEY UPDATE n = VALUES(n)",
                false,
            ),
            (Sqlite, "INSERT INTO t VALUES (1, 1)", true),
            (Sqlite, "INSERT OR FAIL INTO t VALUES (1, 1)", true),
            (Sqlite, "INSERT OR IGNORE INTO t VALUES (1, 1)", false),
            (Sqlite, "INSERT OR REPLACE INTO t VALUES (1, 1)", false),
            (Sqlite, "REPLACE INTO t VALUES (1, 1)", false),
            (
                Sqlite,
                "INSERT INTO t VALUES (1, 1) ON CONFLICT (id) DO NOTHING",
                false,
            ),
        ];
        for (dialect, sql, reported) in cases {
            let got = lines(*dialect, &format!("{sql};\n"));
            assert_eq!(!got.is_empty(), *reported, "{dialect}: {sql}");
        }
    }

    #[test]
    fn deletes_and_updates_need_a_where() {
        for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            let seed = "DELETE FROM t;\nDELETE FROM t WHERE id = 1;\nUPDATE t SET n = 0;\nUPDATE t SET n = 0 WHERE id = 1;\nSELECT 1;\n";
            assert_eq!(lines(d, seed), [1, 3], "{d}");
        }
        assert_eq!(
            lines(
                Dialect::Postgres,
                "DELETE FROM t USING u WHERE t.id = u.id;\nTRUNCATE t;\n"
            ),
            [2]
        );
    }

    #[test]
    fn schema_changes_are_not_seeds() {
        let seed = "CREATE TABLE x (id int);\nALTER TABLE t ADD COLUMN m int;\nDROP TABLE u;\nCREATE UNIQUE INDEX i ON t (n);\nGRANT SELECT ON t TO reader;\nSET search_path = public;\nDO $$ BEGIN INSERT INTO t VALUES (9, 9) ON CONFLICT DO NOTHING; END $$;\n";
        assert_eq!(lines(Dialect::Postgres, seed), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn the_rule_does_not_run_on_migrations() {
        let r = crate::check(Input {
            entries: vec![FileEntry {
                rel_path: "1_t.sql".into(),
                bytes: b"-- migrate:up\nCREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n-- migrate:down\nDROP TABLE t;\n".to_vec(),
            }],
            display_dir: "migrations".into(),
            config: Config::default(),
            config_source: None,
        });
        assert!(
            r.diagnostics
                .iter()
                .all(|d| d.rule != "seed-not-idempotent")
        );
    }

    #[test]
    fn messages_name_the_statement() {
        assert_eq!(
            super::leading_keywords("create unique index i on t"),
            "CREATE UNIQUE INDEX"
        );
        assert_eq!(
            super::leading_keywords("ALTER TABLE t ADD x int"),
            "ALTER TABLE"
        );
        assert_eq!(super::leading_keywords("GRANT SELECT ON t"), "GRANT");
        assert_eq!(super::leading_keywords(""), "this statement");
    }
}
