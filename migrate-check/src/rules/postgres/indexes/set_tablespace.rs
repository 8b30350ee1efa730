//! `set-tablespace`: `ALTER TABLE … SET TABLESPACE` copies the table while
//! it is locked.

use crate::config::Level;
use crate::model::object_text;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "set-tablespace",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`ALTER TABLE … SET TABLESPACE` copies the whole table while it is locked against reads and writes",
    explanation: "SET TABLESPACE copies every data file of the table to the new tablespace under an ACCESS EXCLUSIVE lock: every read and every write waits for a time that grows with the table (its indexes stay where they are and need their own ALTER INDEX … SET TABLESPACE, with the same lock). `ALTER TABLE ALL IN TABLESPACE … SET TABLESPACE` does it to every table there. No PostgreSQL version moves a table online. A table created by this same migration is exempt (better still, create it in the right tablespace).",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write until the copy ends",
    safe_alternative: "move the table online with `pg_repack --tablespace <ts> --moveidx` run outside the migrations, or create a new table in the target tablespace (`CREATE TABLE … TABLESPACE <ts>`), copy the rows in batches, and switch over (expand/contract)",
    equivalents: "django-pg-zero-downtime-migrations: ALTER_TABLE_SET_TABLESPACE",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_move_events.sql
-- migrate:up
ALTER TABLE events SET TABLESPACE archive; -- expect: set-tablespace
-- migrate:down
ALTER TABLE events SET TABLESPACE pg_default;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_create_events_archive.sql
-- migrate:up
-- a new table starts in the right tablespace; rows move over in batches
CREATE TABLE events_archive (id bigint PRIMARY KEY, payload jsonb NOT NULL) TABLESPACE archive;
-- migrate:down
DROP TABLE events_archive;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Recognized::SetTablespace { table }) = stmt.recognized() else {
        return;
    };
    // `ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b` (ALL is reserved).
    if table.eq_ignore_ascii_case("all") {
        out.report(
            "SET TABLESPACE moves every table of the tablespace while each is locked",
            "ACCESS EXCLUSIVE on each table while its files are copied",
        );
        return;
    }
    let table = object_text(table);
    if ctx.is_new_table(&table) {
        return;
    }
    out.report(
        format!("SET TABLESPACE copies existing table `{table}` while it is locked"),
        format!("ACCESS EXCLUSIVE on `{table}` while every data file is copied"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const EVENTS: &str = "CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);";
    const ID: &str = "set-tablespace";

    #[test]
    fn existing_table_is_reported_in_up_and_down() {
        let r = two(
            "15",
            EVENTS,
            "ALTER TABLE IF EXISTS ONLY public.events SET TABLESPACE archive;",
            "ALTER TABLE events SET TABLESPACE pg_default;",
        );
        assert_eq!(lines(&r, ID), vec![2, 4], "{}", shown(&r));
        assert!(shown(&r).contains("`events`"), "{}", shown(&r));
    }

    #[test]
    fn new_table_is_exempt() {
        let r = two(
            "15",
            EVENTS,
            "CREATE TABLE t (id bigint PRIMARY KEY);\nALTER TABLE t SET TABLESPACE archive;",
            "DROP TABLE t;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn all_in_tablespace_is_reported() {
        let r = two(
            "15",
            EVENTS,
            "ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE archive;",
            "ALTER TABLE ALL IN TABLESPACE archive SET TABLESPACE pg_default;",
        );
        assert_eq!(lines(&r, ID), vec![2, 4], "{}", shown(&r));
        assert!(
            shown(&r).contains("every table of the tablespace"),
            "{}",
            shown(&r)
        );
    }
}
