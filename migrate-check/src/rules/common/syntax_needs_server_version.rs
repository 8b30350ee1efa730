//! `syntax-needs-server-version`: syntax newer than the oldest server the
//! migrations must run on: it passes the check and fails at deploy.

use sqlparser::ast::Statement;

use crate::config::{Level, ServerVersion};
use crate::rules::{Ctx, Example, Findings, PG, Rule, VersionGate};
use crate::statement::{Recognized, Stmt, TableAction};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "syntax-needs-server-version",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[VersionGate {
        dialect: PG,
        since: None,
        until: Some(ServerVersion::new(18, 0, 0)),
    }],
    summary: "syntax that the oldest server the migrations must run on does not have",
    explanation: "A statement written in a newer server's syntax parses here and fails at deploy on every server older than that: `postgres_version` in migrate.toml is the oldest PostgreSQL the migrations must run on (default 15). PostgreSQL 18 added NOT NULL as a table constraint: `CONSTRAINT name NOT NULL col` (or `NOT NULL col`) among the entries of `CREATE TABLE`, and `ALTER TABLE … ADD [CONSTRAINT name] NOT NULL col`; earlier releases answer with a syntax error.",
    lock: "",
    safe_alternative: "write it in the older syntax (`col type NOT NULL` on the column, `ALTER COLUMN col SET NOT NULL`), or raise `postgres_version` in migrate.toml once every server runs the newer release",
    equivalents: "none",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, kind text, CONSTRAINT events_kind_not_null NOT NULL kind); -- expect: syntax-needs-server-version
-- migrate:down
DROP TABLE events;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: migrate.toml
postgres_version = \"18\"
-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, kind text, CONSTRAINT events_kind_not_null NOT NULL kind);
-- migrate:down
DROP TABLE events;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let what = match (stmt.recognized(), stmt.ast()) {
        (Some(Recognized::WithClause { clause, .. }), Some(Statement::CreateTable(_)))
            if clause.contains("NOT NULL") =>
        {
            format!("`{clause}` in CREATE TABLE")
        }
        (
            Some(Recognized::AlterTable {
                action: TableAction::AddNotNull { .. },
                ..
            }),
            _,
        ) => "`ADD … NOT NULL col`".to_string(),
        _ => return,
    };
    out.report(
        format!(
            "{what}: NOT NULL as a table constraint needs PostgreSQL 18; `postgres_version` is {}",
            ctx.version
        ),
        "a syntax error on every older server: fails at deploy",
    );
}
