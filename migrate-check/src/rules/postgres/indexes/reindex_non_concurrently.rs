//! `reindex-non-concurrently`: `REINDEX` without `CONCURRENTLY` (PostgreSQL ≥ 12).

use super::support::PG12;
use crate::config::Level;
use crate::model::object_text;
use crate::rules::{Ctx, Example, Findings, PG, Rule, VersionGate};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "reindex-non-concurrently",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[VersionGate {
        dialect: PG,
        since: Some(PG12),
        until: None,
    }],
    summary: "`REINDEX` without `CONCURRENTLY` blocks writes, and nearly every read, while it rebuilds",
    explanation: "A plain REINDEX takes a SHARE lock on the table, which blocks INSERT, UPDATE and DELETE, and an ACCESS EXCLUSIVE lock on each index it rebuilds. The planner locks every index of a table to plan any query on it, so in practice reads wait too, for a time that grows with the table. PostgreSQL 12 added REINDEX … CONCURRENTLY, which builds a new copy of the index beside the old one under SHARE UPDATE EXCLUSIVE and lets reads and writes go on; before 12 there is no concurrent form and the rule does not apply (build a new index concurrently and drop the old one instead). An index or table created by this same migration is exempt.",
    lock: "SHARE on the table (blocks INSERT, UPDATE, DELETE) and ACCESS EXCLUSIVE on each index rebuilt (blocks the queries planned against the table) until the rebuild ends",
    safe_alternative: "use `REINDEX INDEX CONCURRENTLY name` (or `REINDEX TABLE CONCURRENTLY name`) in a migration of its own marked `-- migrate:no-transaction`; if it fails it leaves an INVALID `…_ccnew` index to drop with `DROP INDEX CONCURRENTLY`",
    equivalents: "squawk: require-concurrent-reindex",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
-- file: 0002_reindex_orders_user_id.sql
-- migrate:up
REINDEX INDEX orders_user_id_idx; -- expect: reindex-non-concurrently
-- migrate:irreversible: a rebuilt index changes no schema, there is nothing to undo
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
-- file: 0002_reindex_orders_user_id.sql
-- migrate:up
-- migrate:no-transaction
REINDEX INDEX CONCURRENTLY orders_user_id_idx;
-- migrate:irreversible: a rebuilt index changes no schema, there is nothing to undo
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Recognized::Reindex {
        target,
        name,
        concurrently: false,
    }) = stmt.recognized()
    else {
        return;
    };
    let name = name.as_deref().map(object_text);
    let what = match (target.as_str(), &name) {
        ("INDEX", Some(index)) => {
            let known = ctx.schema.index(index);
            if known.is_some_and(|i| i.created_in == ctx.migration || ctx.is_new_table(&i.table)) {
                return;
            }
            match known {
                Some(i) => format!("index `{index}` of table `{}`", i.table),
                None => format!("index `{index}`"),
            }
        }
        ("TABLE", Some(table)) => {
            if ctx.is_new_table(table) {
                return;
            }
            format!("every index of table `{table}`")
        }
        ("SCHEMA", Some(schema)) => format!("every index in schema `{schema}`"),
        ("DATABASE", _) => "every index of the database".to_string(),
        // REINDEX SYSTEM has no concurrent form (system catalogs).
        _ => return,
    };
    let f = out.report(
        format!("REINDEX without CONCURRENTLY rebuilds {what} while writes are blocked"),
        "SHARE lock on the table and ACCESS EXCLUSIVE on the index for the whole rebuild",
    );
    if ctx.in_transaction && matches!(target.as_str(), "SCHEMA" | "DATABASE") {
        f.notes.push(format!(
            "REINDEX {target} cannot run inside a transaction block either: this migration fails at deploy as written"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX orders_user_id_idx ON orders (user_id);";
    const ID: &str = "reindex-non-concurrently";

    #[test]
    fn reindex_of_existing_index_and_table_is_reported() {
        let r = two(
            "15",
            ORDERS,
            "REINDEX INDEX orders_user_id_idx;\nREINDEX (VERBOSE) TABLE orders;",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2, 3], "{}", shown(&r));
    }

    #[test]
    fn concurrently_is_not_reported() {
        let r = two(
            "15",
            ORDERS,
            "-- migrate:no-transaction\nREINDEX INDEX CONCURRENTLY orders_user_id_idx;\nREINDEX (CONCURRENTLY) TABLE orders;",
            "-- migrate:no-transaction\nSELECT 1;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn before_postgres_12_there_is_no_concurrent_form() {
        let r = two(
            "11",
            ORDERS,
            "REINDEX INDEX orders_user_id_idx;",
            "SELECT 1;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
        let r = two(
            "12",
            ORDERS,
            "REINDEX INDEX orders_user_id_idx;",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
    }

    #[test]
    fn new_table_and_own_index_are_exempt() {
        let r = two(
            "15",
            ORDERS,
            "CREATE TABLE t (id bigint, a int);\nCREATE INDEX t_a_idx ON t (a);\nREINDEX TABLE t;\nREINDEX INDEX t_a_idx;",
            "DROP TABLE t;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn schema_and_database_are_reported_and_system_is_not() {
        let r = two(
            "15",
            "SELECT 1;",
            "-- migrate:no-transaction\nREINDEX SCHEMA public;\nREINDEX DATABASE app;\nREINDEX SYSTEM app;",
            "-- migrate:no-transaction\nSELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![3, 4], "{}", shown(&r));
        assert!(!shown(&r).contains("transaction block"), "{}", shown(&r));
    }

    #[test]
    fn schema_reindex_in_a_transaction_notes_the_deploy_failure() {
        let r = two("15", "SELECT 1;", "REINDEX SCHEMA public;", "SELECT 1;");
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(
            shown(&r).contains("cannot run inside a transaction block"),
            "{}",
            shown(&r)
        );
    }
}
