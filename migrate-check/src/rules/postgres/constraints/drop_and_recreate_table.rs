//! `drop-and-recreate-table`: `DROP TABLE x` followed by `CREATE TABLE x` in one migration.

use sqlparser::ast::{ObjectType, Statement};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

use super::helpers::{earlier, query_sources};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-and-recreate-table",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "a table is dropped and created again in the same migration: every row it held is silently lost",
    explanation: "`DROP TABLE [IF EXISTS] t` followed by `CREATE TABLE t` reads like a change of definition, but it empties the table: on a development database with no rows the migration looks right, and at deploy it deletes the production data (this is what Rails' `create_table … force: true` does). Code that runs meanwhile also sees the table vanish. A table created earlier in the same migration is exempt, and so is one whose rows were first copied into a new table (`INSERT INTO t_new SELECT … FROM t`, `CREATE TABLE t_copy AS SELECT … FROM t`). The same holds on MySQL and MariaDB.",
    lock: "ACCESS EXCLUSIVE on the table (and on the tables whose foreign keys reference it) until commit: blocks every read and every write",
    safe_alternative: "change the table in place (`ALTER TABLE … ADD COLUMN`, `ALTER COLUMN … TYPE`, each with its own safe pattern), or build the new shape in a new table, copy the rows, and switch over in a later release",
    equivalents: "strong_migrations: create_table (force: true)",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_settings.sql
-- migrate:up
CREATE TABLE settings (key text PRIMARY KEY, value text);
-- migrate:down
DROP TABLE settings;
-- file: 0002_settings_as_jsonb.sql
-- migrate:up
DROP TABLE IF EXISTS settings; -- expect: drop-and-recreate-table
CREATE TABLE settings (key text PRIMARY KEY, value jsonb NOT NULL);
-- migrate:down
DROP TABLE settings;
CREATE TABLE settings (key text PRIMARY KEY, value text);
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_settings.sql
-- migrate:up
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
-- migrate:down
DROP TABLE settings;
-- file: 0002_settings_value_not_null.sql
-- migrate:up
DROP TABLE IF EXISTS settings; -- expect: drop-and-recreate-table
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- migrate:down
DROP TABLE settings;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20) NOT NULL, placed_at datetime NOT NULL, total_cents bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_recreate_orders.sql
-- migrate:up
DROP TABLE IF EXISTS orders; -- expect: drop-and-recreate-table
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(40) NOT NULL) ENGINE=InnoDB;
-- migrate:irreversible: the old rows are gone
",
    },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_settings.sql
-- migrate:up
CREATE TABLE settings (key text PRIMARY KEY, value text);
-- migrate:down
DROP TABLE settings;
-- file: 0002_settings_json.sql
-- migrate:up
ALTER TABLE settings ADD COLUMN value_json jsonb;
-- migrate:down
ALTER TABLE settings DROP COLUMN value_json;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_settings.sql
-- migrate:up
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
-- migrate:down
DROP TABLE settings;
-- file: 0002_settings_value_not_null.sql
-- migrate:up
-- the rows are copied first: a table rebuild, nothing is lost
CREATE TABLE new_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL DEFAULT '');
INSERT INTO new_settings (key, value) SELECT key, coalesce(value, '') FROM settings;
DROP TABLE settings;
ALTER TABLE new_settings RENAME TO settings;
-- migrate:irreversible: NULL values are not kept
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status varchar(20) NOT NULL, placed_at datetime NOT NULL, total_cents bigint NOT NULL, email varchar(120)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_archive.sql
-- migrate:up
CREATE TABLE IF NOT EXISTS orders_archive (id bigint PRIMARY KEY, customer_id bigint NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders_archive;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::Drop {
        object_type: ObjectType::Table,
        names,
        temporary: false,
        ..
    }) = stmt.ast()
    else {
        return;
    };
    let later = &ctx.statements[ctx.position + 1..];
    for n in names {
        let table = object(n);
        if ctx.is_new_table(&table) || ctx.state.copied.contains(&table) {
            continue;
        }
        // Rows saved first with `CREATE TABLE copy AS SELECT … FROM table`.
        let saved = earlier(ctx, 0..ctx.position, |s| {
            matches!(s, Statement::CreateTable(ct)
                if ct.query.as_ref().is_some_and(|q| query_sources(q).contains(&table)))
        })
        .is_some();
        if saved {
            continue;
        }
        let recreated = later.iter().find(
            |s| matches!(s.ast(), Some(Statement::CreateTable(ct)) if object(&ct.name) == table),
        );
        if let Some(create) = recreated {
            out.report(
                format!(
                    "table `{table}` is dropped and created again (line {}): its rows are lost",
                    create.line
                ),
                format!("every row of `{table}` is deleted; the new `{table}` starts empty"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SETUP, hits, lint, migration};

    const ID: &str = "drop-and-recreate-table";

    fn second(up: &str) -> Vec<(String, u32)> {
        let m = migration(up, "SELECT 1;");
        hits(&lint("11", &[SETUP, ("0002_x.sql", &m)]), ID)
    }

    #[test]
    fn drop_then_create_is_reported_at_the_drop() {
        assert_eq!(
            second("DROP TABLE users CASCADE;\nCREATE TABLE users (id bigint PRIMARY KEY);"),
            [("0002_x.sql".to_string(), 2)]
        );
        // A table unknown to the model may hold data too (created before
        // the migrations, or by hand).
        assert_eq!(
            second("DROP TABLE IF EXISTS audit;\nCREATE TABLE IF NOT EXISTS audit (id bigint);")
                .len(),
            1
        );
    }

    #[test]
    fn drop_alone_or_another_name_is_not_this_rule() {
        assert!(second("DROP TABLE users;").is_empty());
        assert!(second("DROP TABLE users;\nCREATE TABLE people (id bigint);").is_empty());
        // Created again *before* the drop: a different order, a different story.
        assert!(
            second("CREATE TABLE IF NOT EXISTS users (id bigint);\nDROP TABLE users;").is_empty()
        );
    }

    #[test]
    fn new_tables_and_saved_rows_are_exempt() {
        assert!(
            second("CREATE TABLE t (a int);\nDROP TABLE t;\nCREATE TABLE t (a bigint);").is_empty()
        );
        assert!(second("CREATE TABLE users_copy (id bigint, email text);\nINSERT INTO users_copy SELECT id, email FROM users;\nDROP TABLE users CASCADE;\nCREATE TABLE users (id bigint PRIMARY KEY, email text);").is_empty());
        assert!(second("CREATE TABLE users_copy AS SELECT * FROM users;\nDROP TABLE users CASCADE;\nCREATE TABLE users (id bigint PRIMARY KEY, email text);").is_empty());
    }

    #[test]
    fn down_recreating_what_its_up_replaced_is_exempt() {
        let m = migration(
            "-- migrate:allow(drop-table, drop-and-recreate-table): test\nDROP TABLE users CASCADE;\nCREATE TABLE users (id bigint);",
            "DROP TABLE users;\nCREATE TABLE users (id bigint PRIMARY KEY, email text);",
        );
        let r = lint("11", &[SETUP, ("0002_x.sql", &m)]);
        assert!(hits(&r, ID).is_empty(), "{}", r.render(false));
    }
}
