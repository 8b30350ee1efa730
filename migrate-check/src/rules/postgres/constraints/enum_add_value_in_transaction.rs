//! `enum-add-value-in-transaction`: `ALTER TYPE … ADD VALUE` in a transaction that cannot take it.

use sqlparser::ast::{AlterTypeOperation, Statement, UserDefinedTypeRepresentation};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::helpers::{current_transaction, earlier, uses_literal};

/// PostgreSQL 12 allows `ADD VALUE` in a transaction block.
use super::super::support::PG12;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "enum-add-value-in-transaction",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`ALTER TYPE … ADD VALUE` in a transaction: an error before PostgreSQL 12, and the new value is unusable until commit",
    explanation: "Before PostgreSQL 12, ALTER TYPE … ADD VALUE fails with \"cannot run inside a transaction block\" (unless the enum was created in the same transaction), and the runner wraps every migration in a transaction unless it is marked `-- migrate:no-transaction`: the migration is sure to fail at deploy. From PostgreSQL 12 on it may run in a transaction, but the new value cannot be used until that transaction commits — inserting it, setting it, comparing with it or making it a default fails with \"unsafe use of new value\" (even for an enum created in the same transaction) — so the migration fails if it uses the value after adding it. The rule therefore reports, on PostgreSQL < 12 (`postgres_version`), every ADD VALUE that runs in a transaction, and from 12 on, an ADD VALUE whose value a later statement of the same transaction uses as a literal (in inserted rows, UPDATE … SET, WHERE, defaults, CHECK constraints or index predicates).",
    lock: "",
    safe_alternative: "put `ALTER TYPE … ADD VALUE` in a migration of its own marked `-- migrate:no-transaction`, and use the new value from the next migration on",
    equivalents: "none (squawk, eugene, strong_migrations and Atlas do not check it)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL, cancelled_at timestamptz);
-- migrate:down
DROP TABLE orders;
DROP TYPE order_status;
-- file: 0002_order_status_cancelled.sql
-- migrate:up
ALTER TYPE order_status ADD VALUE 'cancelled' AFTER 'shipped'; -- expect: enum-add-value-in-transaction
UPDATE orders SET status = 'cancelled' WHERE cancelled_at IS NOT NULL;
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
-- migrate:allow(create-enum): the lifecycle of an order is fixed by the payment provider
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL, cancelled_at timestamptz);
-- migrate:down
DROP TABLE orders;
DROP TYPE order_status;
-- file: 0002_order_status_cancelled.sql
-- migrate:up
-- migrate:no-transaction
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled' AFTER 'shipped';
-- migrate:irreversible: PostgreSQL cannot remove a value from an enum
-- file: 0003_mark_cancelled_orders.sql
-- migrate:up
UPDATE orders SET status = 'cancelled' WHERE cancelled_at IS NOT NULL;
-- migrate:irreversible: which orders were cancelled before is not recorded
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if !ctx.in_transaction {
        return;
    }
    let Some(Statement::AlterType(at)) = stmt.ast() else {
        return;
    };
    let AlterTypeOperation::AddValue(add) = &at.operation else {
        return;
    };
    let name = object(&at.name);
    let value = &add.value.value;
    let tx = current_transaction(ctx);
    let why = if ctx.runner_transaction {
        "the runner wraps this section in a transaction"
    } else {
        "a `BEGIN` earlier in this section opened a transaction"
    };

    if ctx.version < PG12 {
        let created_in_tx = earlier(ctx, tx.start..ctx.position, |s| {
            matches!(s, Statement::CreateType { name: n, representation: Some(UserDefinedTypeRepresentation::Enum { .. }) } if object(n) == name)
        })
        .is_some();
        if !created_in_tx {
            out.report(
                format!("ALTER TYPE `{name}` ADD VALUE cannot run inside a transaction block on PostgreSQL {}", ctx.version),
                format!("fails at deploy: {why}"),
            );
        }
        return;
    }

    let used = ctx.statements[ctx.position + 1..tx.end]
        .iter()
        .find(|s| s.ast().is_some_and(|a| uses_literal(a, value)));
    if let Some(use_) = used {
        out.report(
            format!("enum value '{value}' added to `{name}` is used at line {} in the same transaction", use_.line),
            format!("fails at deploy: a new enum value cannot be used before the ADD VALUE commits, and {why}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "enum-add-value-in-transaction";

    const SETUP: (&str, &str) = (
        "0001_a.sql",
        "-- migrate:up\nCREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE people (id bigint PRIMARY KEY, mood mood);\n-- migrate:down\nDROP TABLE people;\nDROP TYPE mood;\n",
    );

    fn run(version: &str, file: &str) -> Vec<(String, u32)> {
        hits(&lint(version, &[SETUP, ("0002_b.sql", file)]), ID)
    }

    fn tx(up: &str) -> String {
        format!("-- migrate:up\n{up}\n-- migrate:irreversible: enum values stay\n")
    }

    fn no_tx(up: &str) -> String {
        format!(
            "-- migrate:up\n-- migrate:no-transaction\n{up}\n-- migrate:irreversible: enum values stay\n"
        )
    }

    #[test]
    fn before_12_any_add_value_in_a_transaction_fails() {
        let add = "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';";
        assert_eq!(run("11", &tx(add)), [("0002_b.sql".to_string(), 2)]);
        assert!(run("11", &no_tx(add)).is_empty());
        // An explicit transaction in a no-transaction section is one too.
        assert_eq!(
            run("11", &no_tx(&format!("BEGIN;\n{add}\nCOMMIT;"))),
            [("0002_b.sql".to_string(), 4)]
        );
    }

    #[test]
    fn before_12_an_enum_created_in_the_same_transaction_may_grow() {
        let m = migration(
            "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue' AFTER 'red';",
            "DROP TYPE color;",
        );
        assert!(run("11", &m).is_empty());
    }

    #[test]
    fn from_12_adding_alone_is_fine() {
        assert!(run("12", &tx("ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';")).is_empty());
        // Using another value, or the new one as a mere neighbour, is fine too.
        assert!(run("15", &tx("ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';\nALTER TYPE mood ADD VALUE 'fine' AFTER 'ok';\nUPDATE people SET mood = 'happy';")).is_empty());
    }

    #[test]
    fn from_12_using_the_new_value_in_the_same_transaction_fails() {
        for using in [
            "UPDATE people SET mood = 'ok' WHERE mood IS NULL;",
            "UPDATE people SET id = 0 WHERE mood = 'ok';",
            "INSERT INTO people (id, mood) VALUES (1, 'ok');",
            "INSERT INTO people (id, mood) SELECT 2, 'ok'::mood;",
            "ALTER TABLE people ALTER COLUMN mood SET DEFAULT 'ok';",
            "DELETE FROM people WHERE mood IN ('sad', 'ok');",
            "SELECT count(*) FROM people WHERE mood = 'ok';",
        ] {
            let m = tx(&format!(
                "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';\n{using}"
            ));
            assert_eq!(run("15", &m), [("0002_b.sql".to_string(), 2)], "{using}");
        }
        // Even for an enum created in the same transaction (measured on 15).
        let m = migration(
            "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue' AFTER 'red';\nCREATE TABLE t (c color DEFAULT 'blue');",
            "DROP TABLE t;\nDROP TYPE color;",
        );
        assert_eq!(run("15", &m).len(), 1);
    }

    #[test]
    fn from_12_a_commit_in_between_makes_it_usable() {
        let m = no_tx(
            "BEGIN;\nALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';\nCOMMIT;\nUPDATE people SET mood = 'ok';",
        );
        assert!(run("15", &m).is_empty());
        let m =
            no_tx("ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';\nUPDATE people SET mood = 'ok';");
        assert!(run("15", &m).is_empty());
    }
}
