//! `change-engine`: `ALTER TABLE … ENGINE=` on an existing table.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "change-engine",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "`ALTER TABLE … ENGINE=` copies the table",
    explanation: "Changing the storage engine (or re-stating it: `ENGINE=InnoDB` on an InnoDB table is a \"null rebuild\") rewrites every row into a new table. Between engines MySQL must use ALGORITHM=COPY, so writes are blocked for the whole copy.",
    lock: "ALGORITHM=COPY: writes blocked until every row has been copied",
    safe_alternative: "set the engine when creating the table; convert a large existing table with gh-ost or pt-online-schema-change",
    equivalents: "Atlas: MY138",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_innodb.sql
-- migrate:up
ALTER TABLE orders ENGINE=InnoDB; -- expect: change-engine
-- migrate:down
ALTER TABLE orders ENGINE=MyISAM;
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_comment.sql
-- migrate:up
ALTER TABLE orders COMMENT = 'customer orders';
-- migrate:down
ALTER TABLE orders COMMENT = '';
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| {
        matches!(&a.cost.change, Change::TableOption(w) if w == "ENGINE").then(|| {
            (
                format!("`ENGINE=` copies existing table `{table}`"),
                "every row is copied into a new table".into(),
            )
        })
    });
}
