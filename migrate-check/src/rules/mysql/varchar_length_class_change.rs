//! `varchar-length-class-change`: a VARCHAR resize that crosses the
//! 255-byte length-prefix boundary, or shrinks.

use crate::config::Level;
use crate::mysql_ddl::Change;
use crate::rules::{Ctx, Example, Findings, MY, Rule};
use crate::statement::Stmt;

use super::support::report_actions;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "varchar-length-class-change",
    dialects: &[MY],
    default_level: Level::Error,
    versions: &[],
    summary: "a VARCHAR resize across 255 bytes (or any shrink) copies the table",
    explanation: "InnoDB stores a VARCHAR's length in 1 byte up to 255 bytes and in 2 bytes above. Growing a VARCHAR within the same class is a metadata change; growing across the boundary, or shrinking at all, rewrites every row: ALGORITHM=COPY with writes blocked. The boundary is in bytes, so it depends on the character set: 255 characters in latin1, 85 in utf8mb3, 63 in utf8mb4 (the MySQL 8.0 default, assumed when the schema does not say).",
    lock: "ALGORITHM=COPY: writes blocked until every row has been copied",
    safe_alternative: "size VARCHARs generously when creating them (utf8mb4: above 63 characters from the start), grow within the class, and never shrink in place; when a copy is unavoidable, use gh-ost or pt-online-schema-change",
    equivalents: "strong_migrations: change_column (MySQL safe-change logic)",
    bad: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_longer_note.sql
-- migrate:up
ALTER TABLE orders MODIFY note varchar(100); -- expect: varchar-length-class-change
-- migrate:irreversible: shrinking back would copy the table and cut long notes
",
    }],
    good: &[Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_longer_note.sql
-- migrate:up
ALTER TABLE orders MODIFY note varchar(60), ALGORITHM=INPLACE, LOCK=NONE;
-- migrate:irreversible: shrinking back would copy the table and cut long notes
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_actions(ctx, stmt, out, |table, a| match a.cost.change {
        Change::VarcharClassChange {
            from,
            to,
            bytes_per_char,
        } => {
            let what = if to < from {
                "shrinking"
            } else {
                "growing across 255 bytes"
            };
            Some((
                format!(
                    "VARCHAR({from}) → VARCHAR({to}) on existing table `{table}` copies the table"
                ),
                format!(
                    "{what} ({bytes_per_char} bytes per character): the length prefix changes size"
                ),
            ))
        }
        _ => None,
    });
}
