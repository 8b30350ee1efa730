//! `create-index-non-concurrently`: `CREATE INDEX` without `CONCURRENTLY` on an existing table.

use sqlparser::ast::Statement;

use super::support::is_new_materialized_view;
use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "create-index-non-concurrently",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`CREATE INDEX` without `CONCURRENTLY` on an existing table blocks writes for the whole build",
    explanation: "A plain CREATE INDEX takes a SHARE lock on the table: every INSERT, UPDATE and DELETE waits until the index is built, which takes time proportional to the table. CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets writes go on; it cannot run inside a transaction block, nor on a partitioned table. Not reported: a table or materialized view created earlier in this same migration (nobody uses it yet), and `CREATE INDEX … ON ONLY parent`, which builds nothing.",
    lock: "SHARE on the table: blocks INSERT, UPDATE, DELETE (reads go on) until the index is built",
    safe_alternative: "use `CREATE INDEX CONCURRENTLY` in a migration of its own marked `-- migrate:no-transaction`; if it fails, drop the INVALID index it leaves (`DROP INDEX CONCURRENTLY`) and retry. On a partitioned table: `CREATE INDEX parent_idx ON ONLY parent (…)`, then `CREATE INDEX CONCURRENTLY` on each partition and `ALTER INDEX parent_idx ATTACH PARTITION partition_idx` for each",
    equivalents: "squawk: require-concurrent-index-creation · eugene: E6 · strong_migrations: add_index · Atlas: PG101",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_user_id.sql
-- migrate:up
CREATE INDEX orders_user_id_idx ON orders (user_id); -- expect: create-index-non-concurrently
-- migrate:down
DROP INDEX orders_user_id_idx;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- a new table: nobody else is writing to it yet
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_created.sql
-- migrate:up
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_id_user_idx ON orders (id, user_id);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY orders_id_user_idx;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // `CREATE INDEX … ON ONLY parent` builds nothing: it is the first step of
    // the safe way to index a partitioned table.
    if let Some(Recognized::WithClause { clause, .. }) = stmt.recognized()
        && clause == "ON ONLY"
    {
        return;
    }
    let Some(Statement::CreateIndex(ci)) = stmt.ast() else {
        return;
    };
    if ci.concurrently {
        return;
    }
    let table = object(&ci.table_name);
    if ctx.is_new_table(&table) || is_new_materialized_view(ctx, &table) {
        return;
    }
    let what = if ci.unique {
        "CREATE UNIQUE INDEX"
    } else {
        "CREATE INDEX"
    };
    out.report(
        format!("{what} on existing table `{table}` blocks writes while the index builds"),
        format!("takes a SHARE lock on `{table}` for the whole build"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);";
    const ID: &str = "create-index-non-concurrently";

    #[test]
    fn existing_table_is_reported_in_up_and_down() {
        let r = two(
            "15",
            &format!("{ORDERS}\nCREATE INDEX orders_user_id_idx ON orders (user_id);"),
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY orders_user_id_idx;",
            "CREATE UNIQUE INDEX orders_user_id_idx ON orders (user_id);",
        );
        assert_eq!(lines(&r, ID), vec![5], "{}", shown(&r));
        assert!(
            shown(&r).contains("CREATE UNIQUE INDEX on existing table `orders`"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn table_created_earlier_in_the_same_migration_is_exempt_in_up_and_down() {
        let r = two(
            "15",
            ORDERS,
            "CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint NOT NULL);\nCREATE INDEX items_order_id_idx ON items (order_id);",
            "DROP INDEX items_order_id_idx;\nCREATE INDEX items_order_id_idx ON items (order_id);\nDROP TABLE items;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn table_created_in_an_earlier_migration_is_not_new() {
        let r = two(
            "15",
            ORDERS,
            "CREATE INDEX ON orders (user_id);",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
    }

    #[test]
    fn on_only_parent_builds_nothing() {
        let r = two(
            "15",
            "CREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);",
            "CREATE INDEX events_created_at_idx ON ONLY events (created_at);",
            "DROP INDEX events_created_at_idx;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn materialized_view_created_by_the_same_section_is_exempt() {
        let r = two(
            "15",
            ORDERS,
            "CREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id WITH NO DATA;\nCREATE UNIQUE INDEX order_counts_user_id_key ON order_counts (user_id);",
            "DROP MATERIALIZED VIEW order_counts;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn concurrently_is_not_reported() {
        let r = two(
            "15",
            ORDERS,
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);",
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY orders_user_id_idx;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }
}
