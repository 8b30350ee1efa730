//! `drop-table`: dropping a table that existed before this migration.

use sqlparser::ast::{ObjectType, Statement};

use crate::config::{Dialect, Level};
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-table",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "dropping a table that existed before this migration loses its data",
    explanation: "DROP TABLE deletes the data for good, and any code still running that reads or writes the table starts failing the moment it commits. On PostgreSQL it also takes ACCESS EXCLUSIVE locks on every table whose foreign keys reference it. A table created by this same migration (or, in a down section, by its own up) is exempt: dropping it is the normal way back. On SQLite with foreign keys on (rusqlite's bundled SQLite turns them on by default), DROP TABLE first deletes every row, firing the ON DELETE actions of the tables that reference it. The table-rebuild pattern (rows copied into a new table first) is exempt.",
    lock: "ACCESS EXCLUSIVE on the table (PostgreSQL: and on the tables referencing it): blocks all reads and writes until commit",
    safe_alternative: "first deploy code that no longer uses the table, keep a backup or archive of the data, drop its foreign keys, then drop it with `-- migrate:allow(drop-table): <why the data is not needed>`",
    equivalents: "squawk: ban-drop-table · Atlas: DS102 · safe-pg-migrations: drops foreign keys first",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_sessions.sql
-- migrate:up
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
-- migrate:down
DROP TABLE sessions;
-- file: 0002_drop_sessions.sql
-- migrate:up
DROP TABLE sessions; -- expect: drop-table
-- migrate:down
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_sessions.sql
-- migrate:up
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
-- migrate:down
DROP TABLE sessions;
-- file: 0002_drop_sessions.sql
-- migrate:up
DROP TABLE sessions; -- expect: drop-table
-- migrate:down
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_drop_orders.sql
-- migrate:up
DROP TABLE orders; -- expect: drop-table
-- migrate:down
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
",
    },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_sessions.sql
-- migrate:up
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
-- migrate:down
DROP TABLE sessions;
-- file: 0002_drop_sessions.sql
-- migrate:up
-- migrate:allow(drop-table): sessions moved to Redis in v4.2; no reader left
DROP TABLE sessions;
-- migrate:down
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_sessions.sql
-- migrate:up
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
-- migrate:down
DROP TABLE sessions;
-- file: 0002_drop_sessions.sql
-- migrate:up
-- migrate:allow(drop-table): sessions moved to Redis in v4.2; no reader left
DROP TABLE sessions;
-- migrate:down
CREATE TABLE sessions (id INTEGER PRIMARY KEY, token TEXT NOT NULL);
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_drop_orders.sql
-- migrate:up
-- migrate:allow(drop-table): orders moved to the billing service in v5; data exported
DROP TABLE orders;
-- migrate:down
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::Drop {
        object_type: ObjectType::Table,
        names,
        temporary,
        ..
    }) = stmt.ast()
    else {
        return;
    };
    if *temporary {
        return;
    }
    for name in names {
        let table = object(name);
        // New in this migration, or its rows were just copied into a new
        // table (the table-rebuild pattern): nothing is lost.
        if ctx.is_new_table(&table) || ctx.state.copied.contains(&table) {
            continue;
        }
        let f = out.report(
            format!("dropping existing table `{table}` loses its data"),
            "data loss; code still using the table breaks",
        );
        if ctx.dialect != Dialect::Postgres {
            f.lock = Some("exclusive metadata lock on the table: blocks all reads and writes until the drop completes".into());
        }
    }
}
