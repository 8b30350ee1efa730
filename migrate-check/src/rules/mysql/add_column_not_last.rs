//! `add-column-not-last`: `ADD COLUMN … FIRST | AFTER c` where that rebuilds the table.

use crate::config::Level;
use crate::mysql_ddl::{Change, Feature};
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::{report_actions, target};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-column-not-last",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "`ADD COLUMN … FIRST | AFTER c` rebuilds the table before MySQL 8.0.29 / MariaDB 10.4",
    explanation: "MySQL 8.0.12–8.0.28 (and MariaDB 10.3) add a column INSTANT only as the last column; with `FIRST` or `AFTER c` the server rebuilds the whole table in place — every row rewritten, replicas lagging as long — and before 8.0.12 every ADD COLUMN rebuilds. MySQL ≥ 8.0.29 and MariaDB ≥ 10.4 add a column anywhere instantly (MySQL counts each instant ADD/DROP COLUMN as a row version, at most 64 per table before a rebuild is needed). Set `mysql_version`/`mariadb_version` to the oldest server you run and this rule follows it.",
    lock: "ALGORITHM=INPLACE with a table rebuild: concurrent DML allowed, but the rebuild takes as long as a copy and replicas replay it",
    safe_alternative: "append the column at the end (no `FIRST`/`AFTER`): column order does not matter to queries that name their columns; if every server you run is MySQL ≥ 8.0.29 (MariaDB ≥ 10.4), say so in `migrate.toml` (`mysql_version = \"8.0.29\"`) and the position is free",
    equivalents: "Atlas: MY142",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50) AFTER id; -- expect: add-column-not-last
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
    }],
    good: &[
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50);
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
        },
        Example {
            dialect: MY,
            text: "-- file: migrate.toml
mariadb_version = \"10.11\"
-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_note.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50) AFTER id, ALGORITHM=INSTANT;
-- migrate:down
ALTER TABLE orders DROP COLUMN note;
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let target = target(ctx);
    if target.has(Feature::InstantAddColumnAnywhere) {
        return;
    }
    report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == Change::AddColumnNotLast && a.cost.rebuild).then(|| {
            (
                format!("adding a column before the last one rebuilds existing table `{table}` on {target}"),
                "every row is rewritten; only a last column is added instantly".into(),
            )
        })
    });
}
