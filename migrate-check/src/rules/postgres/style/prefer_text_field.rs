//! `prefer-text-field`: a new `varchar(n)` column.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::introduced::{Origin, new_columns, span_of};
use super::types::{Ty, resolve};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "prefer-text-field",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new `varchar(n)` column, whose limit is costly to change later",
    explanation: "In PostgreSQL `varchar(n)` is stored exactly like `text`: the limit is the only difference, and it is part of the column's type. Changing it is an `ALTER COLUMN … TYPE`, which takes an ACCESS EXCLUSIVE lock on the table: raising the limit is metadata-only (since PostgreSQL 9.2) but still waits behind every running query and blocks all traffic queued behind it; lowering it rewrites the table and its indexes under that lock. A CHECK constraint on a `text` column carries the same limit and can be replaced without blocking: add the new one `NOT VALID`, validate it in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on), drop the old one. Judged where a column is introduced (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE); `varchar` without a limit is `text` and is not reported.",
    lock: "",
    safe_alternative: "use `text` with a named CHECK constraint: `c text CONSTRAINT c_length CHECK (char_length(c) <= n)`",
    equivalents: "squawk: prefer-text-field",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(255) NOT NULL -- expect: prefer-text-field
);
-- migrate:down
DROP TABLE users;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 255)
);
-- migrate:down
DROP TABLE users;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    for col in new_columns(ctx, stmt) {
        let r = resolve(col.data_type);
        let Ty::VarcharLimited(n) = r.ty else {
            continue;
        };
        let array = if r.array { "[]" } else { "" };
        let verb = match col.origin {
            Origin::AlterType => "is changed to",
            Origin::CreateTable | Origin::AddColumn => "is",
        };
        let f = out.report(
            format!("`{}` {verb} varchar({n}){array}", col.qualified()),
            "changing the limit later takes an ACCESS EXCLUSIVE lock (lowering it rewrites the table)",
        );
        f.span = span_of(ctx, col.name);
        if !r.array {
            let name = crate::model::ident(col.name);
            f.help = Some(format!(
                "use `text` with a named CHECK constraint: `{name} text CONSTRAINT {}_{name}_length CHECK (char_length({name}) <= {n})`",
                col.table
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "prefer-text-field";

    #[test]
    fn limited_varchar_is_reported_text_and_plain_varchar_are_not() {
        let m = migration(
            "CREATE TABLE t (\n  a varchar(10),\n  b character varying(20),\n  c varchar(5)[],\n  d varchar,\n  e text,\n  f char(3)\n);\nALTER TABLE t ADD COLUMN g pg_catalog.varchar(30);",
            "DROP TABLE t;",
        );
        let got: Vec<u32> = hits(&run(&[("1_t.sql", &m)], "15"), ID)
            .into_iter()
            .map(|h| h.1)
            .collect();
        assert_eq!(got, [3, 4, 5, 10]);
    }

    #[test]
    fn widening_a_varchar_is_still_a_varchar() {
        // squawk's `increase_varchar_size_err`: the new type is what is judged.
        let files = [
            (
                "1_t.sql",
                migration(
                    "CREATE TABLE t (id bigint PRIMARY KEY, kind text);",
                    "DROP TABLE t;",
                ),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN kind TYPE varchar(1000) USING kind::varchar(1000);",
                    "ALTER TABLE t ALTER COLUMN kind TYPE text;",
                ),
            ),
            (
                "3_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN kind TYPE text;",
                    "ALTER TABLE t ALTER COLUMN kind TYPE varchar(1000);",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_eq!(hits(&run(&refs, "15"), ID), [("2_t.sql".into(), 2)]);
    }

    #[test]
    fn the_help_writes_the_check_constraint() {
        let m = migration(
            "CREATE TABLE users (email varchar(255));",
            "DROP TABLE users;",
        );
        let report = run(&[("1_users.sql", &m)], "15");
        let d = report.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        assert_eq!(
            d.help.as_deref(),
            Some(
                "use `text` with a named CHECK constraint: `email text CONSTRAINT users_email_length CHECK (char_length(email) <= 255)`"
            )
        );
    }
}
