//! `concurrent-index-pg14-bug`: a concurrent index build on PostgreSQL
//! 14.0–14.3, which can silently corrupt the index.

use sqlparser::ast::Statement;

use super::support::{PG14, PG14_4};
use crate::config::Level;
use crate::model::{object, object_text};
use crate::rules::{Ctx, Example, Findings, PG, Rule, VersionGate};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "concurrent-index-pg14-bug",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[VersionGate {
        dialect: PG,
        since: Some(PG14),
        until: Some(PG14_4),
    }],
    summary: "`CREATE INDEX CONCURRENTLY` and `REINDEX CONCURRENTLY` can silently corrupt the index on PostgreSQL 14.0–14.3",
    explanation: "PostgreSQL 14.0 to 14.3 have a bug, fixed in 14.4: CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY can miss rows updated while the index is built. The build succeeds, and the index then silently misses entries: queries that use it return wrong results and a unique index can let duplicates in. The rule runs while `postgres_version` is 14.0–14.3; a table created by this same migration is exempt (nobody updates it during the build).",
    lock: "",
    safe_alternative: "upgrade the servers to PostgreSQL 14.4 or later and raise `postgres_version` accordingly; until then build the index without CONCURRENTLY at a quiet time (`-- migrate:allow(create-index-non-concurrently): <reason>`). Check indexes built concurrently on 14.0–14.3 with `pg_amcheck --heapallindexed` and rebuild the broken ones after the upgrade",
    equivalents: "strong_migrations: add_index_corruption",
    bad: &[Example {
        dialect: PG,
        text: "-- file: migrate.toml
postgres_version = \"14.2\"
-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_user_id.sql
-- migrate:up
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id); -- expect: concurrent-index-pg14-bug
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY orders_user_id_idx;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: migrate.toml
postgres_version = \"14.2\"
-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_user_id.sql
-- migrate:up
-- migrate:allow(create-index-non-concurrently): servers on 14.2 until the upgrade; built in the Sunday maintenance window
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP INDEX orders_user_id_idx;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let (what, table) = match (stmt.ast(), stmt.recognized()) {
        (Some(Statement::CreateIndex(ci)), _) if ci.concurrently => {
            ("CREATE INDEX CONCURRENTLY", Some(object(&ci.table_name)))
        }
        (
            _,
            Some(Recognized::Reindex {
                target,
                name,
                concurrently: true,
            }),
        ) => {
            let name = name.as_deref().map(object_text);
            let table = match target.as_str() {
                "TABLE" => name,
                "INDEX" => name.and_then(|n| ctx.schema.index(&n).map(|i| i.table.clone())),
                _ => None,
            };
            ("REINDEX CONCURRENTLY", table)
        }
        _ => return,
    };
    if table.as_deref().is_some_and(|t| ctx.is_new_table(t)) {
        return;
    }
    let on = table.map_or(String::new(), |t| format!(" on `{t}`"));
    out.report(
        format!(
            "{what}{on} can silently corrupt the index on PostgreSQL {} (fixed in 14.4)",
            ctx.version
        ),
        "rows updated during the build may be missing from the index",
    );
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run_rule, two};
    use super::RULE;
    use crate::rules::tests::example_files;
    use crate::{Config, Dialect, Input, check::check_with_syntax as check};

    const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX orders_user_id_idx ON orders (user_id);";

    fn lines(version: &str, up: &str) -> Vec<u32> {
        let r = two(version, ORDERS, up, "-- migrate:no-transaction\nSELECT 1;");
        run_rule(&RULE, version, &r)
            .into_iter()
            .filter(|(f, _, _)| f == "0002_change.sql")
            .map(|(_, l, _)| l)
            .collect()
    }

    const CONCURRENT: &str = "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY orders_id_user_idx ON orders (id, user_id);\nREINDEX INDEX CONCURRENTLY orders_user_id_idx;\nREINDEX TABLE CONCURRENTLY orders;";

    #[test]
    fn concurrent_builds_are_reported_on_14_0_to_14_3_only() {
        assert_eq!(lines("14.0", CONCURRENT), vec![3, 4, 5]);
        assert_eq!(lines("14.3", CONCURRENT), vec![3, 4, 5]);
        assert!(lines("14.4", CONCURRENT).is_empty());
        assert!(lines("13", CONCURRENT).is_empty());
        assert!(lines("15", CONCURRENT).is_empty());
    }

    #[test]
    fn plain_builds_and_new_tables_are_not_reported() {
        let up = "-- migrate:no-transaction\nCREATE INDEX orders_id_user_idx ON orders (id, user_id);\nREINDEX INDEX orders_user_id_idx;\nCREATE TABLE t (id bigint, a int);\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\nREINDEX TABLE CONCURRENTLY t;";
        assert!(lines("14.2", up).is_empty());
    }

    /// The examples, at a version the rule applies to: the bad one reports at
    /// its mark, the good one has no error of any rule and not this one.
    #[test]
    fn examples_behave_on_14_2() {
        for (examples, bad) in [(RULE.bad, true), (RULE.good, false)] {
            for ex in examples {
                let (entries, marks) = example_files(ex.text);
                let report = check(Input {
                    entries,
                    display_dir: String::new(),
                    config: Config {
                        dialect: Dialect::Postgres,
                        postgres_version: "14.2".parse().unwrap(),
                        ..Default::default()
                    },
                    config_source: None,
                });
                let found: Vec<(String, u32)> = run_rule(&RULE, "14.2", &report)
                    .into_iter()
                    .map(|(f, l, _)| (f, l))
                    .collect();
                if bad {
                    for (file, line, id) in marks {
                        assert_eq!(id, RULE.id);
                        assert!(found.contains(&(file, line)), "{found:?}");
                    }
                } else {
                    assert!(found.is_empty(), "{found:?}");
                    assert!(!report.has_errors(), "{}", report.render(false));
                }
            }
        }
    }
}
