//! `prefer-bigint-over-int`: a new `integer` (or `serial`) column.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::integers::report_narrow;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "prefer-bigint-over-int",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new `integer` or `serial` column, which overflows at 2,147,483,647",
    explanation: "`integer` (`int`, `int4`, `serial`) holds values up to 2,147,483,647. Ids fed by a sequence get there faster than expected: a sequence never gives back values consumed by rolled-back inserts or by `INSERT … ON CONFLICT`. When it happens every INSERT fails, and the fix, `ALTER COLUMN … TYPE bigint`, rewrites the table and every index on it under an ACCESS EXCLUSIVE lock (and the columns referencing it must follow). `bigint` costs 4 more bytes per row, often nothing once alignment padding is counted. Judged where a column is introduced (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE), never on existing columns nor in down sections, which restore what was there. A foreign-key column is not reported when the key it references is no wider (or is unknown to the checker, as a legacy table's key often is): it must match the key, and it is the key that should be widened, together with it.",
    lock: "",
    safe_alternative: "use `bigint` (for a key: `bigint GENERATED ALWAYS AS IDENTITY`); for a foreign key, match the key it references",
    equivalents: "squawk: prefer-bigint-over-int",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quantity integer NOT NULL -- expect: prefer-bigint-over-int
);
-- migrate:down
DROP TABLE orders;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quantity bigint NOT NULL
);
-- migrate:down
DROP TABLE orders;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    report_narrow(ctx, stmt, out, 4, "2,147,483,647");
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "prefer-bigint-over-int";

    fn lines(files: &[(&str, &str)]) -> Vec<(String, u32)> {
        hits(&run(files, "11"), ID)
    }

    #[test]
    fn every_spelling_of_a_4_byte_integer_is_reported() {
        let m = migration(
            "CREATE TABLE t (\n  a int,\n  b integer,\n  c int4,\n  d serial,\n  e int[],\n  f bigint,\n  g int8,\n  h bigserial,\n  i pg_catalog.int4\n);",
            "DROP TABLE t;",
        );
        let got: Vec<u32> = lines(&[("1_t.sql", &m)]).into_iter().map(|h| h.1).collect();
        assert_eq!(got, [3, 4, 5, 6, 7, 11]);
    }

    #[test]
    fn add_column_and_type_changes_are_reported_existing_columns_are_not() {
        let files = [
            (
                "1_t.sql",
                migration(
                    "CREATE TABLE t (id bigint PRIMARY KEY, n int);",
                    "DROP TABLE t;",
                ),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t ADD COLUMN note text;",
                    "ALTER TABLE t DROP COLUMN note;",
                ),
            ),
            (
                "3_t.sql",
                migration(
                    "ALTER TABLE t ADD COLUMN c integer;",
                    "ALTER TABLE t DROP COLUMN c;",
                ),
            ),
            (
                "4_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN n TYPE bigint;",
                    "ALTER TABLE t ALTER COLUMN n TYPE int;",
                ),
            ),
            (
                "5_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN c SET DATA TYPE int4;",
                    "ALTER TABLE t ALTER COLUMN c TYPE integer;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        // Migration 1 once, 3 and 5 in their up sections; 2 and 4 (and every down) never.
        assert_eq!(
            lines(&refs),
            [
                ("1_t.sql".into(), 2),
                ("3_t.sql".into(), 2),
                ("5_t.sql".into(), 2)
            ]
        );
    }

    #[test]
    fn a_down_section_restoring_an_int_column_is_not_reported() {
        let files = [
            (
                "1_t.sql",
                migration("CREATE TABLE t (id bigint PRIMARY KEY);", "DROP TABLE t;"),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t DROP COLUMN id;",
                    "ALTER TABLE t ADD COLUMN id int;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert!(lines(&refs).is_empty());
    }

    #[test]
    fn temporary_tables_are_not_reported() {
        let m = migration("CREATE TEMPORARY TABLE scratch (n int);", "SELECT 1;");
        assert!(lines(&[("1_t.sql", &m)]).is_empty());
    }

    #[test]
    fn a_foreign_key_to_an_integer_key_follows_the_key() {
        // squawk reports both columns; the referencing one must match the key,
        // so only the key is reported.
        let files = [
            (
                "1_users.sql",
                migration(
                    "CREATE TABLE users (id integer PRIMARY KEY);",
                    "DROP TABLE users;",
                ),
            ),
            (
                "2_orders.sql",
                migration(
                    "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id integer REFERENCES users,\n  buyer_id int,\n  parent_id int,\n  FOREIGN KEY (buyer_id) REFERENCES users (id),\n  FOREIGN KEY (parent_id) REFERENCES orders\n);",
                    "DROP TABLE orders;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        // parent_id references orders.id, a bigint: reported.
        assert_eq!(
            lines(&refs),
            [("1_users.sql".into(), 2), ("2_orders.sql".into(), 6)]
        );
    }

    #[test]
    fn a_foreign_key_to_a_legacy_table_is_not_reported() {
        // `legacy_users` was created outside these migrations: its key is unknown.
        let m = migration(
            "CREATE TABLE orders (id bigint PRIMARY KEY, user_id int NOT NULL);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES legacy_users (id);",
            "DROP TABLE orders;",
        );
        assert!(lines(&[("1_orders.sql", &m)]).is_empty());
    }

    #[test]
    fn a_foreign_key_narrower_than_its_bigint_key_is_reported_with_a_note() {
        let files = [
            (
                "1_users.sql",
                migration(
                    "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
                    "DROP TABLE users;",
                ),
            ),
            (
                "2_orders.sql",
                migration(
                    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id int REFERENCES users (id));",
                    "DROP TABLE orders;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let report = run(&refs, "15");
        let d: Vec<_> = report.diagnostics.iter().filter(|d| d.rule == ID).collect();
        assert_eq!(d.len(), 1);
        assert!(
            d[0].notes.iter().any(|n| n.contains("`users.id`")),
            "{:?}",
            d[0].notes
        );
    }

    #[test]
    fn altering_the_type_of_a_foreign_key_column_looks_at_its_key() {
        let files = [
            (
                "1_users.sql",
                migration(
                    "CREATE TABLE users (id int PRIMARY KEY);",
                    "DROP TABLE users;",
                ),
            ),
            (
                "2_orders.sql",
                migration(
                    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);",
                    "DROP TABLE orders;",
                ),
            ),
            (
                "3_orders.sql",
                migration(
                    "ALTER TABLE orders ALTER COLUMN user_id TYPE int;",
                    "ALTER TABLE orders ALTER COLUMN user_id TYPE bigint;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_eq!(lines(&refs), [("1_users.sql".into(), 2)]);
    }

    #[test]
    fn the_finding_names_the_column_and_points_at_it() {
        let m = migration(
            "CREATE TABLE t (id bigint PRIMARY KEY, hits int NOT NULL DEFAULT 0);",
            "DROP TABLE t;",
        );
        let report = run(&[("1_t.sql", &m)], "15");
        let d = report.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        assert_eq!(d.message, "`t.hits` is a 32-bit `integer`");
        assert_eq!(&report.files[d.file].text[d.span.clone()], "hits");
        assert_eq!(d.severity, crate::Severity::Warning);
    }
}
