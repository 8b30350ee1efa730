//! `rename-column`: renaming a column that running code still uses by its old name.

use sqlparser::ast::AlterTableOperation;

use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::support::{alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "rename-column",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "renaming a column breaks the code still using the old name",
    explanation: "Code still running reads and writes the column by its old name: its queries fail with \"column does not exist\" from the moment the rename commits until every instance runs new code, and during a rolling deploy old and new code never agree. ORMs that name every column (Rails, Django, Diesel's `table!`) break even when they never use it. The ACCESS EXCLUSIVE lock itself is brief. A table created by this same migration is exempt, and so is a down section, which renames back what its up renamed. On MySQL, `CHANGE old new type` renames too (and `RENAME COLUMN`, INSTANT since 8.0.28).",
    lock: "",
    safe_alternative: "expand/contract: add the new column, write both (application or trigger), backfill in batches, switch reads to the new column, stop writing the old one, then drop it in a later release; or keep the column name and map it in the code (Diesel `#[diesel(column_name = …)]`, Rails `alias_attribute`)",
    equivalents: "squawk: renaming-column · strong_migrations: rename_column · Atlas: BC102 · django-pg-zero-downtime: ALTER_TABLE_RENAME_COLUMN",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, mail text NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_rename_users_mail.sql
-- migrate:up
ALTER TABLE users RENAME COLUMN mail TO email; -- expect: rename-column
-- migrate:down
ALTER TABLE users RENAME COLUMN email TO mail;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_rename_users_mail.sql
-- migrate:up
ALTER TABLE users RENAME COLUMN mail TO email; -- expect: rename-column
-- migrate:down
ALTER TABLE users RENAME COLUMN email TO mail;
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_rename_note.sql
-- migrate:up
ALTER TABLE orders CHANGE note remark varchar(50); -- expect: rename-column
-- migrate:down
ALTER TABLE orders CHANGE remark note varchar(50);
",
    },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, mail text NOT NULL);
CREATE TABLE user_notes (id bigint PRIMARY KEY, txt text);
-- a new table: no code uses the old name yet
ALTER TABLE user_notes RENAME COLUMN txt TO body;
-- migrate:down
DROP TABLE user_notes;
DROP TABLE users;
-- file: 0002_add_users_email.sql
-- migrate:up
-- expand: the application writes both columns, a later migration backfills
-- `email` in batches, reads switch, and a last one drops `mail`
ALTER TABLE users ADD COLUMN email text;
-- migrate:down
ALTER TABLE users DROP COLUMN email;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_email.sql
-- migrate:up
-- expand: the application writes both columns, a later migration backfills
-- `email` in batches, reads switch, and a last one drops `mail`
ALTER TABLE users ADD COLUMN email TEXT;
-- migrate:down
ALTER TABLE users DROP COLUMN email;
",
        },

    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_add_remark.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN remark varchar(50);
-- migrate:down
ALTER TABLE orders DROP COLUMN remark;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section == SectionKind::Down {
        return; // renaming back what the up renamed
    }
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let (old_column_name, new_column_name) = match op {
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => (old_column_name, new_column_name),
            // MySQL `CHANGE old new type`: a rename when the names differ.
            AlterTableOperation::ChangeColumn {
                old_name, new_name, ..
            } if ident(old_name) != ident(new_name) => (old_name, new_name),
            _ => continue,
        };
        let (old, new) = (ident(old_column_name), ident(new_column_name));
        out.report(
            format!("renaming column `{table}.{old}` to `{new}` breaks code still using `{old}`"),
            format!("queries naming `{old}` fail until every instance runs new code"),
        )
        .span = ident_span(ctx, stmt, old_column_name);
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, hits, run, shown, two};

    const T: &str = "CREATE TABLE users (id bigint PRIMARY KEY, mail text);";

    #[test]
    fn rename_of_existing_column() {
        let r = two("15", T, "ALTER TABLE users RENAME COLUMN mail TO email;");
        assert!(fires(&r, "rename-column"), "{}", shown(&r));
        assert!(shown(&r).contains("`users.mail` to `email`"));
    }

    #[test]
    fn new_table_and_down_are_exempt() {
        let r = two(
            "15",
            T,
            "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;",
        );
        assert!(!fires(&r, "rename-column"));
        let r = run(
            "15",
            &format!(
                "-- file: 0001_a.sql\n-- migrate:up\n{T}\n-- migrate:down\nDROP TABLE users;\n-- file: 0002_b.sql\n-- migrate:up\n-- migrate:allow(rename-column): no reader yet\nALTER TABLE users RENAME COLUMN mail TO email;\n-- migrate:down\nALTER TABLE users RENAME COLUMN email TO mail;\n"
            ),
        );
        assert!(hits(&r, "rename-column").is_empty(), "{}", shown(&r));
        assert!(!r.has_errors(), "{}", shown(&r));
    }
}
