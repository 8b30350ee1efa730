//! `concurrently-in-transaction`: a `CONCURRENTLY` operation where a transaction is open.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "concurrently-in-transaction",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`CONCURRENTLY` cannot run inside a transaction block",
    explanation: "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY and DETACH PARTITION … CONCURRENTLY fail with \"cannot run inside a transaction block\". The runner wraps every section in a transaction unless it is marked `-- migrate:no-transaction`, so this migration is sure to fail at deploy.",
    lock: "",
    safe_alternative: "put the statement in a migration of its own and mark the section `-- migrate:no-transaction` (the runner then runs it statement by statement, records progress, and never wraps it)",
    equivalents: "squawk: ban-concurrent-index-creation-in-transaction · Atlas: PG103 · strong_migrations: disable_ddl_transaction! (implicit)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_user_id.sql
-- migrate:up
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id); -- expect: concurrently-in-transaction
-- migrate:down
DROP INDEX orders_user_id_idx;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_index_orders_user_id.sql
-- migrate:up
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY orders_user_id_idx;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if !ctx.in_transaction {
        return;
    }
    let Some(what) = stmt.concurrently() else {
        return;
    };
    let why = if ctx.runner_transaction {
        "the runner wraps this section in a transaction"
    } else {
        "a `BEGIN` earlier in this section opened a transaction"
    };
    out.report(
        format!("{what} cannot run inside a transaction block"),
        format!("fails at deploy: {why}"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const SETUP: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');";
    const ID: &str = "concurrently-in-transaction";
    const ALL: &str = "CREATE INDEX CONCURRENTLY orders_id_user_idx ON orders (id, user_id);\nDROP INDEX CONCURRENTLY orders_user_id_idx;\nREINDEX TABLE CONCURRENTLY orders;\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;";

    #[test]
    fn every_concurrent_form_is_reported_in_the_runner_transaction() {
        let r = two("15", SETUP, ALL, "SELECT 1;");
        assert_eq!(lines(&r, ID), vec![2, 3, 4, 5], "{}", shown(&r));
    }

    #[test]
    fn no_transaction_section_is_fine_until_an_explicit_begin() {
        let r = two(
            "15",
            SETUP,
            &format!(
                "-- migrate:no-transaction\n{ALL}\nBEGIN;\nREINDEX INDEX CONCURRENTLY orders_id_user_idx;\nCOMMIT;\nREINDEX INDEX CONCURRENTLY orders_id_user_idx;"
            ),
            "-- migrate:no-transaction\nSELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![8], "{}", shown(&r));
        assert!(shown(&r).contains("a `BEGIN` earlier"), "{}", shown(&r));
    }

    #[test]
    fn detach_finalize_and_plain_forms_are_not_this_rule() {
        let r = two(
            "15",
            SETUP,
            "ALTER TABLE events DETACH PARTITION events_2023 FINALIZE;\nREINDEX INDEX orders_user_id_idx;",
            "SELECT 1;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn the_runner_learns_which_statements_run_concurrently() {
        let r = two(
            "15",
            SETUP,
            &format!(
                "-- migrate:no-transaction\n{ALL}\ncreate unique index\nconcurrently orders_u on orders (id);\nCREATE INDEX orders_flag_idx ON orders (user_id) WHERE user_id > 0;\nALTER TABLE events DETACH PARTITION events_2023 FINALIZE;"
            ),
            "-- migrate:no-transaction\nSELECT 1;",
        );
        let flags: Vec<bool> = r.migrations[1]
            .up
            .statements
            .iter()
            .map(|s| s.concurrent)
            .collect();
        assert_eq!(
            flags,
            [true, true, true, true, true, false, false],
            "{}",
            shown(&r)
        );
    }
}
