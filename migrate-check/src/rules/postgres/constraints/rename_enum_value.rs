//! `rename-enum-value`: `ALTER TYPE … RENAME VALUE`.

use sqlparser::ast::{AlterTypeOperation, Statement, UserDefinedTypeRepresentation};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::helpers::earlier;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "rename-enum-value",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "renaming an enum value breaks the code that is running",
    explanation: "ALTER TYPE … RENAME VALUE (PostgreSQL 10 and later) takes effect at commit, for every session: from then on the running application's queries that write or compare the old label fail with \"invalid input value for enum\", until the new code is deployed everywhere — and the new code fails the same way if it is deployed first. Stored rows, defaults and CHECK constraints follow the rename; the code does not. An enum created earlier in the same migration is exempt.",
    lock: "",
    safe_alternative: "expand and contract: add the new value (`ALTER TYPE t ADD VALUE 'new' AFTER 'old'`, in a migration of its own), deploy code that reads both and writes the new one, backfill rows in batches, then stop reading the old value (it stays in the type: enum values cannot be dropped)",
    equivalents: "strong_migrations: rename_enum_value",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_order_status.sql
-- migrate:up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
-- migrate:down
DROP TYPE order_status;
-- file: 0002_rename_shipped.sql
-- migrate:up
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched'; -- expect: rename-enum-value
-- migrate:down
ALTER TYPE order_status RENAME VALUE 'dispatched' TO 'shipped';
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
-- file: 0002_add_dispatched.sql
-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'dispatched' AFTER 'shipped';
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterType(at)) = stmt.ast() else {
        return;
    };
    let AlterTypeOperation::RenameValue(r) = &at.operation else {
        return;
    };
    let name = object(&at.name);
    let created_here = earlier(ctx, 0..ctx.position, |s| {
        matches!(s, Statement::CreateType { name: n, representation: Some(UserDefinedTypeRepresentation::Enum { .. }) } if object(n) == name)
    })
    .is_some();
    if created_here {
        return;
    }
    out.report(
        format!(
            "renaming value '{}' of enum `{name}` to '{}'",
            r.from.value, r.to.value
        ),
        format!(
            "running code that uses '{}' fails from the commit on",
            r.from.value
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "rename-enum-value";

    #[test]
    fn renaming_a_value_of_an_existing_enum() {
        let setup = migration(
            "CREATE TYPE mood AS ENUM ('sad', 'happy');",
            "DROP TYPE mood;",
        );
        let m = migration(
            "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
            "ALTER TYPE mood RENAME VALUE 'blue' TO 'sad';",
        );
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", &m)]);
        // The down renames back, which breaks the new code just the same.
        assert_eq!(
            hits(&r, ID),
            [("0002_b.sql".to_string(), 2), ("0002_b.sql".to_string(), 4)]
        );
    }

    #[test]
    fn an_enum_created_in_the_same_migration_is_exempt() {
        let m = migration(
            "CREATE TYPE mood AS ENUM ('sad', 'happy');\nALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
            "DROP TYPE mood;",
        );
        assert!(hits(&lint("11", &[("0001_a.sql", &m)]), ID).is_empty());
    }
}
