//! `dml-in-ddl-transaction`: a backfill (`UPDATE`, `DELETE`, `INSERT … SELECT`,
//! `MERGE`) in the same transaction as DDL that locked the same table.

use sqlparser::ast::{SetExpr, Statement, TableFactor, TableObject};

use crate::config::{Dialect, Level};
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "dml-in-ddl-transaction",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "a backfill runs in the same transaction as DDL on the same table, under the DDL's lock",
    explanation: "DDL locks are held until the end of the transaction. An ALTER TABLE takes ACCESS EXCLUSIVE (ADD FOREIGN KEY and CREATE INDEX take locks that block writes); an UPDATE, DELETE, INSERT … SELECT or MERGE of the same table after it, in the same transaction, keeps that lock for the whole time it takes to touch every row. With the runner wrapping the section, \"add a column and fill it\" in one migration blocks every read and write of the table for as long as the backfill runs, which grows with the table. A table created in the same migration (including the copy target of a table rebuild) is exempt. SQLite has one write lock for the whole database: from the DDL to COMMIT every other writer waits (or fails with SQLITE_BUSY), and in rollback-journal mode readers too, for as long as the backfill runs. MySQL and MariaDB commit DDL implicitly, so no DDL lock is held into the DML; there the finding is a warning about the backfill itself: one UPDATE over the table keeps every row it touches locked until it commits, and replicas apply it as one long event.",
    lock: "the DDL's lock (ACCESS EXCLUSIVE for most ALTER TABLE, SHARE for CREATE INDEX), held until COMMIT while the DML runs: blocks every write (ACCESS EXCLUSIVE: every read too)",
    safe_alternative: "commit the DDL first: put the backfill in a later migration marked `-- migrate:no-transaction` and update in batches (e.g. `UPDATE … WHERE id IN (SELECT id … LIMIT 1000)` repeated, or a DO block that COMMITs after each batch), then add constraints such as NOT NULL afterwards",
    equivalents: "strong_migrations: README \"Backfilling data\" (advice, not detected) · eugene: E4 (partly)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_status.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN status text;
UPDATE orders SET status = 'new'; -- expect: dml-in-ddl-transaction
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_status.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN status TEXT;
UPDATE orders SET status = 'new'; -- expect: dml-in-ddl-transaction
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_currency.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN currency char(3) NULL;
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL; -- expect: dml-in-ddl-transaction
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_status.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN status text;
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
-- file: 0003_backfill_orders_status.sql
-- migrate:up
-- migrate:no-transaction
UPDATE orders SET status = 'new' WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
-- migrate:irreversible: a backfill has nothing to undo
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_status.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN status TEXT;
-- migrate:down
ALTER TABLE orders DROP COLUMN status;
-- file: 0003_backfill_orders_status.sql
-- migrate:up
-- migrate:no-transaction
UPDATE orders SET status = 'new' WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
-- migrate:irreversible: a backfill has nothing to undo
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_currency.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN currency char(3) NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
-- file: 0003_orders_currency_backfill.sql
-- migrate:up
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL AND id BETWEEN 1 AND 10000;
-- migrate:irreversible: data backfill
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    if !ctx.in_transaction {
        return;
    }
    let Some(ast) = stmt.ast() else { return };
    let Some((verb, table)) = bulk_dml(ast) else {
        return;
    };
    if !ctx.state.ddl_tables.contains(&table) || ctx.is_new_table(&table) {
        return;
    }
    if ctx.dialect == Dialect::Sqlite {
        // SQLite locks the whole database for writing, from the DDL to COMMIT.
        let f = out.report(
            format!("{verb} of `{table}` in the same transaction as the DDL on it"),
            "the transaction holds SQLite's write lock on the whole database while every row is touched: every other writer waits or fails with SQLITE_BUSY",
        );
        f.lock = Some("SQLite's database write lock (RESERVED, then EXCLUSIVE at commit), held from the DDL until COMMIT: blocks every other writer of the database; readers too in rollback-journal mode".into());
        // The same write lock is taken by the backfill alone: the DDL makes it
        // no longer, unlike PostgreSQL's table lock. Advice, not an error.
        f.warning_only = true;
        return;
    }
    // The lock the DDL left on the table; a lock that lets writes go on
    // (VALIDATE CONSTRAINT's SHARE UPDATE EXCLUSIVE) blocks nobody.
    let Some(held) = ctx
        .state
        .held
        .iter()
        .filter(|h| h.lock.table == table)
        .max_by_key(|h| h.lock.mode)
    else {
        return;
    };
    let mode = held.lock.mode;
    if !mode.blocks_writes() {
        return;
    }
    let f = out.report(
        format!(
            "{verb} of `{table}` in the same transaction as the DDL on it at line {}",
            held.line
        ),
        format!(
            "{mode} on `{table}` stays held while every row is touched: blocks {}",
            mode.blocks()
        ),
    );
    f.lock = Some(format!(
        "{mode} on `{table}` (taken at line {}), held until COMMIT: blocks {}",
        held.line,
        mode.blocks()
    ));
}

/// MySQL: DDL commits implicitly, so no DDL lock outlives it; what remains
/// is a whole-table backfill in one statement right after a DDL changed the
/// table (a warning: its row locks and replication delay, not a DDL lock).
fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    use crate::rules::mysql::non_transactional_ddl_batch::{Ddl, ddl};
    let Some((verb, table)) = stmt.ast().and_then(bulk_dml) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    let Some(line) = ctx.statements[..ctx.position]
        .iter()
        .find_map(|s| match ddl(s) {
            Some(Ddl::Touches(ts)) if ts.contains(&table) => Some(s.line),
            _ => None,
        })
    else {
        return;
    };
    let f = out.report(
        format!("{verb} of existing table `{table}` in the migration that changed it at line {line}, in one statement"),
        "every row it touches stays locked until it commits; replicas replay it as one event",
    );
    f.warning_only = true;
    f.lock = Some(format!(
        "InnoDB row locks on every row of `{table}` the statement touches, until it commits (the DDL itself committed implicitly)"
    ));
    f.help = Some("backfill in a later migration, in batches of a few thousand rows by primary-key range (or from the application)".into());
}

/// The statement's verb and target when it changes rows in bulk: UPDATE,
/// DELETE, MERGE, and INSERT fed by a query that reads a table (INSERT …
/// VALUES and `INSERT … SELECT <constants>` add a few known rows).
fn bulk_dml(ast: &Statement) -> Option<(&'static str, String)> {
    let table_of = |f: &TableFactor| match f {
        TableFactor::Table { name, .. } => Some(object(name)),
        _ => None,
    };
    match ast {
        Statement::Update(u) => Some(("UPDATE", table_of(&u.table.relation)?)),
        Statement::Delete(d) => {
            let tables = match &d.from {
                sqlparser::ast::FromTable::WithFromKeyword(t)
                | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
            };
            Some(("DELETE", table_of(&tables.first()?.relation)?))
        }
        Statement::Merge(m) => Some(("MERGE", table_of(&m.table)?)),
        Statement::Insert(i) => {
            let TableObject::TableName(name) = &i.table else {
                return None;
            };
            reads_a_table(i.source.as_ref()?.body.as_ref())
                .then(|| ("INSERT … SELECT", object(name)))
        }
        // WITH … UPDATE/DELETE/INSERT
        Statement::Query(q) => match q.body.as_ref() {
            SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Insert(s) | SetExpr::Merge(s) => {
                bulk_dml(s)
            }
            _ => None,
        },
        _ => None,
    }
}

fn reads_a_table(body: &SetExpr) -> bool {
    match body {
        SetExpr::Select(s) => !s.from.is_empty(),
        SetExpr::Query(q) => reads_a_table(&q.body),
        SetExpr::SetOperation { left, right, .. } => reads_a_table(left) || reads_a_table(right),
        SetExpr::Table(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("dml-in-ddl-transaction", up, no_tx)
    }

    #[test]
    fn update_delete_insert_select_merge_after_ddl() {
        let up = "ALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '';\nDELETE FROM orders WHERE note IS NULL;\nINSERT INTO orders SELECT * FROM orders_old;\nMERGE INTO orders o USING src s ON o.id = s.id WHEN MATCHED THEN UPDATE SET note = s.note;\nWITH x AS (SELECT 1) UPDATE orders SET note = 'x';";
        assert_eq!(run(up, false), [3, 4, 5, 6, 7]);
    }

    #[test]
    fn a_few_known_rows_are_fine() {
        let up = "ALTER TABLE orders ADD COLUMN note text;\nINSERT INTO orders (id, note) VALUES (1, 'a');\nINSERT INTO orders (id, note) SELECT 2, 'b';";
        assert!(run(up, false).is_empty());
    }

    #[test]
    fn other_tables_and_dml_before_ddl_are_fine() {
        let up = "UPDATE orders SET status = 'x';\nALTER TABLE orders ADD COLUMN note text;\nUPDATE other SET a = 1;";
        assert!(run(up, false).is_empty());
    }

    #[test]
    fn separate_transactions_are_fine() {
        let up = "ALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '';";
        assert!(run(up, true).is_empty());
        let up = "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nUPDATE orders SET note = '';";
        assert!(run(up, true).is_empty());
        let up = "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '';\nCOMMIT;";
        assert_eq!(run(up, true), [5]);
    }

    #[test]
    fn table_rebuild_into_a_new_table_is_exempt() {
        let up = "CREATE TABLE orders_new (id bigint PRIMARY KEY, user_id bigint, status text NOT NULL);\nALTER TABLE orders_new ADD COLUMN note text;\nINSERT INTO orders_new SELECT id, user_id, coalesce(status, ''), NULL FROM orders;";
        assert!(run(up, false).is_empty());
    }

    #[test]
    fn validate_lets_writes_go_on() {
        let up = "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;\nUPDATE orders SET status = 'x';";
        assert!(run(up, false).is_empty());
    }
}
