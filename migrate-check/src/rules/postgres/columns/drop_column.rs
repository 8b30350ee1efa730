//! `drop-column`: dropping a column of a table that existed before this migration.

use sqlparser::ast::{AlterTableOperation, DropBehavior};

use crate::config::{Dialect, Level};
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::support::{alter_table, ident_span};
use crate::rules::sqlite::support::{copied_columns, dropped_tables, rebuild_dropping};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-column",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "dropping a column of an existing table loses its data and breaks code still using it",
    explanation: "DROP COLUMN deletes the column's data for good, and code still running that reads or writes it fails the moment the migration commits — ORMs that name every column in their INSERTs and SELECTs (Rails, Django, SQLAlchemy, Diesel's `table!`) break even when they never use the column. PostgreSQL only marks the column dropped: the ACCESS EXCLUSIVE lock is brief and nothing is rewritten, but indexes and constraints on the column go with it (and with CASCADE, the views using it). A table created by this same migration is exempt, and so is a down section, which removes what its up added. SQLite also drops columns by rebuilding the table: a rebuild whose new table lacks a column of the old one, and whose copy does not read it, is reported at its DROP TABLE. MySQL before 8.0.29 (MariaDB before 10.4) also rebuilds the table to drop a column; later versions drop it INSTANT, up to 64 instant column changes per table.",
    lock: "ACCESS EXCLUSIVE on the table, briefly (no rewrite): reads and writes queue behind it until commit",
    safe_alternative: "first deploy code that no longer reads or writes the column (Rails `ignored_columns`, remove it from Diesel's `table!`, …), keep a copy of the data if it may be needed, then drop it in a later migration with `-- migrate:allow(drop-column): <why the data is not needed>`",
    equivalents: "squawk: ban-drop-column · strong_migrations: remove_column · Atlas: DS103",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_login text);
-- migrate:down
DROP TABLE users;
-- file: 0002_drop_users_legacy_login.sql
-- migrate:up
ALTER TABLE users DROP COLUMN legacy_login; -- expect: drop-column
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login text;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_login TEXT);
-- migrate:down
DROP TABLE users;
-- file: 0002_drop_users_legacy_login.sql
-- migrate:up
ALTER TABLE users DROP COLUMN legacy_login; -- expect: drop-column
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_drop_note.sql
-- migrate:up
ALTER TABLE orders DROP COLUMN note; -- expect: drop-column
-- migrate:down
ALTER TABLE orders ADD COLUMN note varchar(50);
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_login text);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_nickname.sql
-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;
-- migrate:down
-- removing what the up added
ALTER TABLE users DROP COLUMN nickname;
-- file: 0003_drop_users_legacy_login.sql
-- migrate:up
-- migrate:allow(drop-column): no reader since release 4.2 (ignored_columns); data archived to s3://backups/legacy_login.csv
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login text;
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_login TEXT);
-- migrate:down
DROP TABLE users;
-- file: 0002_drop_users_legacy_login.sql
-- migrate:up
-- migrate:allow(drop-column): no reader since release 4.2; data archived to legacy_login.csv
ALTER TABLE users DROP COLUMN legacy_login;
-- migrate:down
ALTER TABLE users ADD COLUMN legacy_login TEXT;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_drop_note.sql
-- migrate:up
-- migrate:allow(drop-column): no release since v3.2 reads or writes orders.note; archived to S3
ALTER TABLE orders DROP COLUMN note;
-- migrate:down
ALTER TABLE orders ADD COLUMN note varchar(50);
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // A down section undoes its up: dropping a column its up added loses
    // nothing that was there before. One that existed before the up is
    // data loss there too.
    let undoes_its_up = |table: &str, column: &str| {
        ctx.section == SectionKind::Down
            && ctx
                .schema
                .table(table)
                .and_then(|t| t.column(column))
                .is_none_or(|c| c.created_in == ctx.migration)
    };
    if ctx.dialect == Dialect::Sqlite && ctx.section != SectionKind::Down {
        sqlite_rebuild(ctx, stmt, out);
    }
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::DropColumn {
            column_names,
            drop_behavior,
            ..
        } = op
        else {
            continue;
        };
        for name in column_names {
            let column = ident(name);
            if undoes_its_up(&table, &column) {
                continue;
            }
            let finding = out.report(
                format!("dropping column `{column}` of existing table `{table}` loses its data"),
                "data loss; code still reading or writing the column breaks",
            );
            finding.span = ident_span(ctx, stmt, name);
            if *drop_behavior == Some(DropBehavior::Cascade) {
                finding.notes.push(
                    "CASCADE also drops the views and constraints that use the column".into(),
                );
            }
        }
    }
}

/// SQLite drops columns by rebuilding the table too: the `DROP TABLE` of a
/// rebuild whose new table lacks a column of the old one that the copy
/// does not read either.
fn sqlite_rebuild(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    for table in dropped_tables(stmt) {
        let Some(rebuild) = rebuild_dropping(ctx, &table) else {
            continue;
        };
        if ctx.is_new_table(&table) {
            continue;
        }
        let (Some(old), Some(new)) = (ctx.schema.table(&table), ctx.schema.table(&rebuild.new))
        else {
            continue;
        };
        // A copy of every column (`SELECT *`) loses none.
        let Some(read) = copied_columns(&ctx.statements[rebuild.copy]) else {
            continue;
        };
        let lost: Vec<&str> = old
            .columns
            .iter()
            .filter(|c| new.column(&c.name).is_none() && !read.contains(&c.name))
            .map(|c| c.name.as_str())
            .collect();
        if lost.is_empty() {
            continue;
        }
        let list = lost
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.report(
            format!("rebuilding `{table}` drops column {list}: `{}` has no such column and the copy does not read it", rebuild.new),
            "data loss; code still reading or writing the column breaks",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, hits, run, shown, two};

    const USERS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, a text, b text);";

    #[test]
    fn each_dropped_column_is_reported() {
        let r = two(
            "15",
            USERS,
            "ALTER TABLE users DROP COLUMN a, DROP COLUMN IF EXISTS b CASCADE;",
        );
        assert_eq!(hits(&r, "drop-column").len(), 2, "{}", shown(&r));
        assert!(shown(&r).contains("CASCADE also drops"));
    }

    #[test]
    fn new_tables_and_down_sections_are_exempt() {
        let r = two(
            "15",
            USERS,
            "CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;",
        );
        assert!(!fires(&r, "drop-column"));
        let r = run(
            "15",
            &format!(
                "-- file: 0001_a.sql\n-- migrate:up\n{USERS}\n-- migrate:down\nDROP TABLE users;\n-- file: 0002_b.sql\n-- migrate:up\nALTER TABLE users ADD COLUMN c int;\n-- migrate:down\nALTER TABLE users DROP COLUMN c;\n"
            ),
        );
        assert!(hits(&r, "drop-column").is_empty(), "{}", shown(&r));
    }

    #[test]
    fn allow_directive_suppresses() {
        let r = two(
            "15",
            USERS,
            "-- migrate:allow(drop-column): archived\nALTER TABLE users DROP COLUMN a;",
        );
        assert!(!r.has_errors(), "{}", shown(&r));
    }
}
