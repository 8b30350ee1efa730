//! `prefer-bigint-over-smallint`: a new `smallint` (or `smallserial`) column.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::integers::report_narrow;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "prefer-bigint-over-smallint",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new `smallint` or `smallserial` column, which overflows at 32,767",
    explanation: "`smallint` (`int2`, `smallserial`) holds values up to 32,767: a counter, a quantity or a lookup table's id gets there sooner than planned, and every write past it fails. Widening later with `ALTER COLUMN … TYPE` rewrites the table and its indexes under an ACCESS EXCLUSIVE lock. The 2 bytes saved are usually lost to alignment padding anyway. Judged where a column is introduced (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE), never on existing columns nor in down sections. A foreign-key column is not reported when the key it references is no wider (or unknown to the checker): it must match that key.",
    lock: "",
    safe_alternative: "use `bigint` (or `integer` where the range is truly bounded); for a foreign key, match the key it references",
    equivalents: "squawk: prefer-bigint-over-smallint",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_products.sql
-- migrate:up
CREATE TABLE products (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- migrate:down
DROP TABLE products;
-- file: 0002_add_products_stock.sql
-- migrate:up
ALTER TABLE products ADD COLUMN stock smallint; -- expect: prefer-bigint-over-smallint
-- migrate:down
ALTER TABLE products DROP COLUMN stock;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_products.sql
-- migrate:up
CREATE TABLE products (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- migrate:down
DROP TABLE products;
-- file: 0002_add_products_stock.sql
-- migrate:up
ALTER TABLE products ADD COLUMN stock bigint;
-- migrate:down
ALTER TABLE products DROP COLUMN stock;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_narrow(ctx, stmt, out, 2, "32,767");
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "prefer-bigint-over-smallint";

    fn lines(files: &[(&str, String)]) -> Vec<(String, u32)> {
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        hits(&run(&refs, "11"), ID)
    }

    #[test]
    fn smallint_spellings_are_reported_wider_ones_are_not() {
        let m = migration(
            "CREATE TABLE t (\n  a smallint,\n  b int2,\n  c smallserial,\n  d serial2,\n  e integer,\n  f bigint\n);",
            "DROP TABLE t;",
        );
        let got: Vec<u32> = lines(&[("1_t.sql", m)]).into_iter().map(|h| h.1).collect();
        assert_eq!(got, [3, 4, 5, 6]);
    }

    #[test]
    fn a_reference_to_a_smallint_lookup_key_is_not_reported_again() {
        let files = [
            (
                "1_kinds.sql",
                migration(
                    "CREATE TABLE kinds (id smallint PRIMARY KEY, name text);",
                    "DROP TABLE kinds;",
                ),
            ),
            (
                "2_items.sql",
                migration(
                    "CREATE TABLE items (id bigint PRIMARY KEY, kind_id smallint NOT NULL REFERENCES kinds);",
                    "DROP TABLE items;",
                ),
            ),
        ];
        assert_eq!(lines(&files), [("1_kinds.sql".into(), 2)]);
    }

    #[test]
    fn a_smallint_referencing_an_integer_key_is_reported() {
        let files = [
            (
                "1_kinds.sql",
                migration(
                    "CREATE TABLE kinds (id int PRIMARY KEY);",
                    "DROP TABLE kinds;",
                ),
            ),
            (
                "2_items.sql",
                migration(
                    "CREATE TABLE items (id bigint PRIMARY KEY, kind_id smallint REFERENCES kinds);",
                    "DROP TABLE items;",
                ),
            ),
        ];
        assert_eq!(lines(&files), [("2_items.sql".into(), 2)]);
    }

    #[test]
    fn type_changes_are_reported_in_up_not_in_down() {
        let files = [
            (
                "1_t.sql",
                migration(
                    "CREATE TABLE t (id bigint PRIMARY KEY, n bigint);",
                    "DROP TABLE t;",
                ),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN n TYPE smallint;",
                    "ALTER TABLE t ALTER COLUMN n TYPE smallint;",
                ),
            ),
        ];
        assert_eq!(lines(&files), [("2_t.sql".into(), 2)]);
    }
}
