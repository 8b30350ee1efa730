//! `partitioning-change`: `PARTITION BY` / `REMOVE PARTITIONING` on an existing table.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "partitioning-change",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "partitioning or unpartitioning an existing table copies it",
    explanation: "`ALTER TABLE … PARTITION BY …` and `REMOVE PARTITIONING` move every row into a new set of partitions: MySQL runs them with ALGORITHM=COPY and blocks writes for the whole copy. (Adding or dropping one RANGE/LIST partition is a different, fast operation and is not reported.)",
    lock: "ALGORITHM=COPY: writes blocked until every row has been copied",
    safe_alternative: "partition the table when creating it; repartition a large table with gh-ost or pt-online-schema-change",
    equivalents: "Atlas: MY139",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint NOT NULL, payload text, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE events;
-- file: 0002_partition_events.sql
-- migrate:up
ALTER TABLE events PARTITION BY HASH (id) PARTITIONS 4; -- expect: partitioning-change
-- migrate:down
ALTER TABLE events REMOVE PARTITIONING;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint NOT NULL, payload text, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE events PARTITION BY HASH (id) PARTITIONS 4;
-- migrate:down
DROP TABLE events;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| {
        matches!(&a.cost.change, Change::TableOption(w) if w == "PARTITION" || w == "REMOVE").then(
            || {
                (
                    format!("changing the partitioning of existing table `{table}` copies it"),
                    "every row is moved into new partitions".into(),
                )
            },
        )
    });
}
