//! `detach-partition-non-concurrently`: `DETACH PARTITION` without
//! `CONCURRENTLY` (PostgreSQL ≥ 14).

use sqlparser::ast::AlterTableOperation;

use super::support::{PG14, alter_table, ident_span};
use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule, VersionGate};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "detach-partition-non-concurrently",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[VersionGate {
        dialect: PG,
        since: Some(PG14),
        until: None,
    }],
    summary: "`DETACH PARTITION` without `CONCURRENTLY` locks the whole partitioned table",
    explanation: "ALTER TABLE … DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned (parent) table. The detach itself is quick, but the lock waits for every running query on any partition to finish, and every query on the table that arrives meanwhile, reads included, queues behind it. PostgreSQL 14 added DETACH PARTITION … CONCURRENTLY, which takes only SHARE UPDATE EXCLUSIVE on the parent and lets reads and writes go on; before 14 there is no concurrent form and the rule does not apply. A parent table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the partitioned table: blocks every read and write of every partition until commit",
    safe_alternative: "use `ALTER TABLE parent DETACH PARTITION p CONCURRENTLY` in a migration of its own marked `-- migrate:no-transaction` (it is refused while the parent has a DEFAULT partition); if it is interrupted, complete it with `ALTER TABLE parent DETACH PARTITION p FINALIZE`",
    equivalents: "squawk: require-concurrent-partition-detach",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
-- migrate:down
DROP TABLE events;
-- file: 0002_detach_events_2023.sql
-- migrate:up
ALTER TABLE events DETACH PARTITION events_2023; -- expect: detach-partition-non-concurrently
-- migrate:down
ALTER TABLE events ATTACH PARTITION events_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
-- migrate:down
DROP TABLE events;
-- file: 0002_detach_events_2023.sql
-- migrate:up
-- migrate:no-transaction
ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;
-- migrate:down
ALTER TABLE events ATTACH PARTITION events_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        // `FINALIZE` completes an interrupted concurrent detach.
        let AlterTableOperation::DetachPartitionOf {
            partition,
            mode: None,
        } = op
        else {
            continue;
        };
        let p = object(partition);
        let f = out.report(
            format!("DETACH PARTITION `{p}` without CONCURRENTLY locks partitioned table `{table}` against reads and writes"),
            format!("ACCESS EXCLUSIVE on `{table}`: every query on every partition waits"),
        );
        f.span = partition
            .0
            .last()
            .and_then(|p| p.as_ident())
            .and_then(|i| ident_span(ctx, stmt, i));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const EVENTS: &str = "CREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');";
    const ID: &str = "detach-partition-non-concurrently";
    const ATTACH: &str = "ALTER TABLE events ATTACH PARTITION events_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');";

    #[test]
    fn plain_detach_is_reported_from_postgres_14() {
        let up = "ALTER TABLE events DETACH PARTITION events_2023;";
        let r = two("14", EVENTS, up, ATTACH);
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        let r = two("13", EVENTS, up, ATTACH);
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn concurrently_and_finalize_are_not_reported() {
        let r = two(
            "15",
            EVENTS,
            "-- migrate:no-transaction\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;\nALTER TABLE events DETACH PARTITION events_2023 FINALIZE;",
            ATTACH,
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn parent_created_by_this_migration_is_exempt() {
        let r = two(
            "15",
            "SELECT 1;",
            &format!("{EVENTS}\nALTER TABLE events DETACH PARTITION events_2023;"),
            "DROP TABLE events;\nDROP TABLE events_2023;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }
}
