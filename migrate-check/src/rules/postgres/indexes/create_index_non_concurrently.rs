//! `create-index-non-concurrently`: `CREATE INDEX` without `CONCURRENTLY` on an existing table.

use sqlparser::ast::Statement;

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
    explanation: "A plain CREATE INDEX takes a SHARE lock on the table: every INSERT, UPDATE and DELETE waits until the index is built, which takes time proportional to the table. CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets writes go on; it cannot run inside a transaction block.",
    lock: "SHARE on the table: blocks INSERT, UPDATE, DELETE (reads go on) until the index is built",
    safe_alternative: "use `CREATE INDEX CONCURRENTLY` in a migration of its own marked `-- migrate:no-transaction`; if it fails, drop the INVALID index it leaves (`DROP INDEX CONCURRENTLY`) and retry",
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
    if ctx.is_new_table(&table) {
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
