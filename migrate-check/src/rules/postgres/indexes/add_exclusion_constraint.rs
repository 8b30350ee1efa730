//! `add-exclusion-constraint`: `ADD CONSTRAINT … EXCLUDE` on an existing table.

use sqlparser::ast::{AlterTableOperation, TableConstraint};

use super::support::{alter_table, ident_span};
use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-exclusion-constraint",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "adding an EXCLUDE constraint to an existing table builds its index and checks every row while the table is locked",
    explanation: "ALTER TABLE … ADD CONSTRAINT … EXCLUDE builds the constraint's index and checks every pair of conflicting rows inside the ALTER TABLE, under an ACCESS EXCLUSIVE lock: every read and every write waits for a time that grows with the table. Unlike CHECK and FOREIGN KEY it cannot be added NOT VALID, and unlike UNIQUE it cannot be attached from an index built concurrently — in no PostgreSQL version — so there is no online way to add it in place. A table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write while the index is built and the rows checked",
    safe_alternative: "declare the constraint when the table is created; for an existing table, create a new table with the constraint, copy the rows over in batches while the application writes to both, and switch (expand/contract) — or, for a small table, run it at a quiet time with `-- migrate:allow(add-exclusion-constraint): <reason>`",
    equivalents: "eugene: E8 · strong_migrations: add_exclusion_constraint · django-pg-zero-downtime-migrations: ADD_CONSTRAINT_EXCLUDE",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_bookings.sql
-- migrate:up
CREATE TABLE bookings (id bigint PRIMARY KEY, room bigint NOT NULL, during tstzrange NOT NULL);
-- migrate:down
DROP TABLE bookings;
-- file: 0002_bookings_no_overlap.sql
-- migrate:up
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&); -- expect: add-exclusion-constraint
-- migrate:down
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_bookings.sql
-- migrate:up
CREATE TABLE bookings (id bigint PRIMARY KEY, room bigint NOT NULL, during tstzrange NOT NULL);
-- a new table: nobody reads or writes it yet
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
-- migrate:down
DROP TABLE bookings;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::AddConstraint {
            constraint: TableConstraint::Exclude(ex),
            ..
        } = op
        else {
            continue;
        };
        let name = ex
            .name
            .as_ref()
            .map_or("an EXCLUDE constraint".to_string(), |n| {
                format!("EXCLUDE constraint `{}`", ident(n))
            });
        let f = out.report(
            format!("adding {name} to existing table `{table}` builds its index while the table is locked"),
            format!("ACCESS EXCLUSIVE on `{table}` while the index is built and every row checked"),
        );
        f.span = ex.name.as_ref().and_then(|n| ident_span(ctx, stmt, n));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const BOOKINGS: &str = "CREATE TABLE bookings (id bigint PRIMARY KEY, room bigint NOT NULL, during tstzrange NOT NULL);";
    const ID: &str = "add-exclusion-constraint";

    #[test]
    fn exclusion_on_existing_table_is_reported_named_or_not() {
        let r = two(
            "15",
            BOOKINGS,
            "ALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);\nALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0);",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2, 3], "{}", shown(&r));
        assert!(
            shown(&r).contains("EXCLUDE constraint `no_overlap`"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn new_table_is_exempt_and_other_constraints_are_not_this_rule() {
        let r = two(
            "15",
            "SELECT 1;",
            &format!(
                "{BOOKINGS}\nALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);"
            ),
            "DROP TABLE bookings;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
        let r = two(
            "15",
            BOOKINGS,
            "ALTER TABLE bookings ADD CONSTRAINT room_positive CHECK (room > 0) NOT VALID;",
            "ALTER TABLE bookings DROP CONSTRAINT room_positive;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }
}
