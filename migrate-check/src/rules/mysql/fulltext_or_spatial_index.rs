//! `fulltext-or-spatial-index`: a FULLTEXT or SPATIAL index on an existing table.

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::model::object;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::{Recognized, Stmt};

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "fulltext-or-spatial-index",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "building a FULLTEXT or SPATIAL index on an existing table blocks writes",
    explanation: "FULLTEXT and SPATIAL indexes are built in place but without concurrent DML: writes wait for the whole build (`LOCK=NONE` is refused). The first FULLTEXT index of a table also adds the hidden FTS_DOC_ID column, which rebuilds the table.",
    lock: "ALGORITHM=INPLACE with LOCK=SHARED: reads go on, writes wait for the whole build",
    safe_alternative: "create the index with the table, or build it off peak (or with gh-ost / pt-online-schema-change); add an explicit `FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT` column with a unique index `FTS_DOC_ID_INDEX` at creation time to avoid the rebuild",
    equivalents: "gap (MySQL online-DDL operation tables)",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_articles.sql
-- migrate:up
CREATE TABLE articles (id bigint PRIMARY KEY, title varchar(200) NOT NULL, body text) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE articles;
-- file: 0002_articles_search.sql
-- migrate:up
ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (body); -- expect: fulltext-or-spatial-index
-- migrate:down
ALTER TABLE articles DROP INDEX articles_body_ft;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_articles.sql
-- migrate:up
CREATE TABLE articles (id bigint PRIMARY KEY, title varchar(200) NOT NULL, body text, FULLTEXT INDEX articles_body_ft (body)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE articles;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // `CREATE FULLTEXT|SPATIAL INDEX`: recognized without the keyword.
    if let (Some(Recognized::WithClause { clause, .. }), Some(Statement::CreateIndex(ci))) =
        (stmt.recognized(), stmt.ast())
        && matches!(clause.as_str(), "FULLTEXT" | "SPATIAL")
    {
        let table = object(&ci.table_name);
        if !ctx.is_new_table(&table) {
            out.report(
                format!("building a {clause} index on existing table `{table}` blocks writes"),
                "no concurrent DML while the index builds",
            );
        }
        return;
    }
    report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::FulltextOrSpatial).then(|| {
            (
                format!(
                    "building a FULLTEXT or SPATIAL index on existing table `{table}` blocks writes"
                ),
                "no concurrent DML while the index builds".into(),
            )
        })
    });
}
