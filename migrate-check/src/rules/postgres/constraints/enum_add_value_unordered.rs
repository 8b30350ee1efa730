//! `enum-add-value-unordered`: `ALTER TYPE … ADD VALUE` without `BEFORE` or `AFTER`.

use sqlparser::ast::{AlterTypeOperation, Statement};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "enum-add-value-unordered",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "`ALTER TYPE … ADD VALUE` without `BEFORE` or `AFTER` appends the value last, which may not be where it sorts",
    explanation: "An enum's values are ordered as declared, and that order is what `<`, `>`, `ORDER BY`, `min`/`max` and range conditions on the column use. A value added without BEFORE or AFTER goes last: a new `'refunded'` in `('pending', 'paid', 'shipped')` sorts after `'shipped'`, so `status < 'shipped'` and reports ordered by status change meaning. Once added, a value cannot be moved or removed without rebuilding the type. A warning: appending is right when the new value really is the greatest.",
    lock: "",
    safe_alternative: "say where the value goes: `ALTER TYPE t ADD VALUE 'x' BEFORE 'y'` or `AFTER 'y'` (appending last on purpose: `AFTER '<the current last value>'`)",
    equivalents: "squawk: require-enum-value-ordering",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_order_status.sql
-- migrate:up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
-- migrate:down
DROP TYPE order_status;
-- file: 0002_order_status_refunded.sql
-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE 'refunded'; -- expect: enum-add-value-unordered
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_order_status.sql
-- migrate:up
-- migrate:allow(create-enum): the lifecycle of an order is fixed by the payment provider
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
-- migrate:down
DROP TYPE order_status;
-- file: 0002_order_status_refunded.sql
-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
",
    }],
    check: Some(check),
};

fn check(_ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterType(at)) = stmt.ast() else {
        return;
    };
    let AlterTypeOperation::AddValue(add) = &at.operation else {
        return;
    };
    if add.position.is_some() {
        return;
    }
    let name = object(&at.name);
    out.report(
        format!(
            "enum value '{}' is added to `{name}` without BEFORE or AFTER",
            add.value.value
        ),
        format!(
            "'{}' sorts after every existing value of `{name}`",
            add.value.value
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint};

    const ID: &str = "enum-add-value-unordered";

    fn run(stmt: &str) -> Vec<(String, u32)> {
        let setup = "-- migrate:up\nCREATE TYPE mood AS ENUM ('sad', 'happy');\n-- migrate:down\nDROP TYPE mood;\n";
        let m = format!(
            "-- migrate:up\n-- migrate:no-transaction\n{stmt}\n-- migrate:irreversible: enum values stay\n"
        );
        hits(
            &lint("11", &[("0001_a.sql", setup), ("0002_b.sql", &m)]),
            ID,
        )
    }

    #[test]
    fn appended_value_is_reported() {
        assert_eq!(
            run("ALTER TYPE mood ADD VALUE 'ok';"),
            [("0002_b.sql".to_string(), 3)]
        );
        assert_eq!(
            run("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'ok';").len(),
            1
        );
    }

    #[test]
    fn placed_value_is_not() {
        assert!(run("ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';").is_empty());
        assert!(run("ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';").is_empty());
        assert!(run("ALTER TYPE mood RENAME TO feeling;").is_empty());
    }
}
