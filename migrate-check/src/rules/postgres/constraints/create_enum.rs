//! `create-enum`: `CREATE TYPE … AS ENUM`.

use sqlparser::ast::{Statement, UserDefinedTypeRepresentation};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule, SectionKind};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "create-enum",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "an enum type: its values can be added but never removed or reordered without rebuilding the type",
    explanation: "PostgreSQL can add a value to an enum (ALTER TYPE … ADD VALUE, which before PostgreSQL 12 cannot run in a transaction block, and whose new value cannot be used until it commits) and rename one, but it cannot drop or reorder values: that takes a new type and an ALTER COLUMN … TYPE on every column using it, which rewrites each table under ACCESS EXCLUSIVE. Sets of values that change with the business (statuses, plans, categories) outgrow the enum. A down section re-creating an enum its up dropped is exempt. A warning: a truly closed set (days of the week) is a fine enum.",
    lock: "",
    safe_alternative: "use a lookup table referenced by a foreign key (`status text NOT NULL REFERENCES order_statuses (name)`), or a text column with a CHECK constraint, which can be replaced `NOT VALID` and validated later",
    equivalents: "eugene: W13",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_order_status.sql
-- migrate:up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped'); -- expect: create-enum
-- migrate:down
DROP TYPE order_status;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_order_statuses.sql
-- migrate:up
CREATE TABLE order_statuses (name text PRIMARY KEY);
INSERT INTO order_statuses (name) VALUES ('pending'), ('paid'), ('shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL REFERENCES order_statuses (name));
CREATE INDEX orders_status_idx ON orders (status);
-- migrate:down
DROP TABLE orders;
DROP TABLE order_statuses;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    // A down section re-creating the type its up dropped restores, it does
    // not choose.
    if ctx.section == SectionKind::Down {
        return;
    }
    let Some(Statement::CreateType {
        name,
        representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
    }) = stmt.ast()
    else {
        return;
    };
    out.report(
        format!("enum type `{}` with {} values", object(name), labels.len()),
        "its values can never be removed or reordered in place",
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "create-enum";

    fn run(up: &str) -> Vec<(String, u32)> {
        hits(
            &lint("11", &[("0001_a.sql", &migration(up, "SELECT 1;"))]),
            ID,
        )
    }

    #[test]
    fn enums_are_reported_other_types_are_not() {
        assert_eq!(
            run("CREATE TYPE mood AS ENUM ('sad', 'happy');"),
            [("0001_a.sql".to_string(), 2)]
        );
        assert!(run("CREATE TYPE pair AS (a int, b int);").is_empty());
        assert!(run("CREATE DOMAIN d AS int;").is_empty());
    }

    #[test]
    fn a_down_restoring_a_dropped_enum_is_exempt() {
        let setup = migration("CREATE TYPE mood AS ENUM ('sad');", "DROP TYPE mood;");
        let m = migration("DROP TYPE mood;", "CREATE TYPE mood AS ENUM ('sad');");
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", &m)]);
        assert_eq!(hits(&r, ID), [("0001_a.sql".to_string(), 2)]);
    }
}
