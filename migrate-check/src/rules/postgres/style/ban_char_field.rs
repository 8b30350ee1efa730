//! `ban-char-field`: a new `char(n)` / `character` column.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::introduced::{Origin, new_columns, span_of};
use super::types::{Ty, resolve};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "ban-char-field",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new `char(n)` / `character` column",
    explanation: "`char(n)` (`character`, `bpchar`) pads every value with spaces to n characters. Trailing spaces are then insignificant when two such values are compared, significant in pattern matching (`LIKE`, regular expressions), and removed when the value is converted to `text`: one value behaves differently depending on how it is used, and clients read the padded form. A bare `char` is `char(1)`. It is not faster than `text` or `varchar` in PostgreSQL (the same variable-length storage, plus the padding), and changing its length later is an `ALTER COLUMN … TYPE` under an ACCESS EXCLUSIVE lock. The one-byte internal type `\"char\"` (quoted) is a different type and is not reported. Judged where a column is introduced (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE).",
    lock: "",
    safe_alternative: "use `text`, with a CHECK constraint for a fixed length: `code text CHECK (char_length(code) = 2)`",
    equivalents: "squawk: ban-char-field",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (
    code char(2) PRIMARY KEY, -- expect: ban-char-field
    name text NOT NULL
);
-- migrate:down
DROP TABLE countries;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_countries.sql
-- migrate:up
CREATE TABLE countries (
    code text PRIMARY KEY CHECK (char_length(code) = 2),
    name text NOT NULL
);
-- migrate:down
DROP TABLE countries;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    for col in new_columns(ctx, stmt) {
        let r = resolve(col.data_type);
        if r.ty != Ty::Bpchar {
            continue;
        }
        let verb = match col.origin {
            Origin::AlterType => "is changed to",
            Origin::CreateTable | Origin::AddColumn => "is",
        };
        let f = out.report(
            format!(
                "`{}` {verb} {}, a blank-padded type",
                col.qualified(),
                col.data_type.to_string().to_lowercase()
            ),
            "values are padded with spaces, which comparisons ignore and LIKE does not",
        );
        f.span = span_of(ctx, col.name);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "ban-char-field";

    #[test]
    fn blank_padded_types_are_reported_the_internal_char_is_not() {
        let m = migration(
            "CREATE TABLE t (\n  a char,\n  b character(3),\n  c bpchar,\n  d char(2)[],\n  e \"char\",\n  f varchar(3),\n  g text\n);\nALTER TABLE t ADD COLUMN h CHARACTER(10);",
            "DROP TABLE t;",
        );
        let got: Vec<u32> = hits(&run(&[("1_t.sql", &m)], "15"), ID)
            .into_iter()
            .map(|h| h.1)
            .collect();
        assert_eq!(got, [3, 4, 5, 6, 11]);
    }

    #[test]
    fn type_changes_are_reported_in_up_not_in_down() {
        let files = [
            (
                "1_t.sql",
                migration(
                    "CREATE TABLE t (id bigint PRIMARY KEY, code text);",
                    "DROP TABLE t;",
                ),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN code TYPE char(2);",
                    "ALTER TABLE t ALTER COLUMN code TYPE char(3);",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let report = run(&refs, "15");
        assert_eq!(hits(&report, ID), [("2_t.sql".into(), 2)]);
        let d = report.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        assert_eq!(
            d.message,
            "`t.code` is changed to char(2), a blank-padded type"
        );
    }
}
