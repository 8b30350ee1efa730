//! `drop-schema-or-database`: `DROP DATABASE`, and `DROP SCHEMA … CASCADE`.

use sqlparser::ast::{ObjectType, SchemaName, Statement};

use crate::config::{Dialect, Level};
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

use super::helpers::earlier;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-schema-or-database",
    dialects: &[PG, MY],
    default_level: Level::Error,
    versions: &[],
    summary: "`DROP DATABASE` or `DROP SCHEMA … CASCADE` deletes everything in it",
    explanation: "DROP DATABASE deletes every table of the database, and DROP SCHEMA … CASCADE every table, view, function, sequence and type in the schema — including what other migrations, or no migration at all, put there — along with the objects elsewhere that depend on them (foreign keys, views). Nothing in the migration lists what is lost, and no down section can bring the data back. DROP SCHEMA without CASCADE (RESTRICT, the default) is not reported: PostgreSQL refuses to drop a schema that still holds anything, so it loses nothing. A schema or database created earlier in the same section is exempt. Since the model does not track schemas, a down section dropping with CASCADE the schema its up created is reported too: drop the objects the up created one by one, then the schema without CASCADE. On MySQL, SCHEMA is a synonym for DATABASE: `DROP SCHEMA s` drops every table in it, with or without CASCADE.",
    lock: "ACCESS EXCLUSIVE on every table dropped: blocks every read and every write, then the tables are gone",
    safe_alternative: "drop the objects you mean to drop by name (`DROP TABLE s.t`, each reported by its own rule), then `DROP SCHEMA s` without CASCADE, which fails instead of deleting what you did not list; never drop a database from a migration",
    equivalents: "squawk: ban-drop-database · Atlas: DS101",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_drop_legacy.sql
-- migrate:up
DROP SCHEMA legacy CASCADE; -- expect: drop-schema-or-database
-- migrate:irreversible: the legacy schema's data is gone
",
        },
        Example {
            dialect: PG,
            text: "-- file: 0001_drop_analytics.sql
-- migrate:up
-- migrate:no-transaction
DROP DATABASE analytics; -- expect: drop-schema-or-database
-- migrate:irreversible: the analytics database is gone
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_drop_legacy.sql
-- migrate:up
DROP DATABASE legacy_reports; -- expect: drop-schema-or-database
-- migrate:irreversible: the data is gone
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_billing.sql
-- migrate:up
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE billing.invoices;
-- RESTRICT: fails rather than delete anything not listed above
DROP SCHEMA billing;
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
",
        },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::Drop {
        object_type,
        names,
        cascade,
        ..
    }) = stmt.ast()
    else {
        return;
    };
    let kind = match object_type {
        ObjectType::Database => "database",
        // MySQL: a schema is a database, and DROP SCHEMA drops everything.
        ObjectType::Schema if ctx.dialect == Dialect::MySql => "database",
        ObjectType::Schema if *cascade => "schema",
        _ => return,
    };
    for n in names {
        let name = object(n);
        let created_here = earlier(ctx, 0..ctx.position, |s| match s {
            Statement::CreateSchema {
                schema_name: SchemaName::Simple(s) | SchemaName::NamedAuthorization(s, _),
                ..
            } => (kind == "schema" || ctx.dialect == Dialect::MySql) && object(s) == name,
            Statement::CreateDatabase { db_name, .. } => {
                kind == "database" && object(db_name) == name
            }
            _ => false,
        })
        .is_some();
        if created_here {
            continue;
        }
        let (message, label) = if kind == "database" {
            (
                format!("dropping database `{name}` deletes every table in it"),
                "total data loss".to_string(),
            )
        } else {
            (
                format!("dropping schema `{name}` with CASCADE deletes everything in it"),
                format!(
                    "every table, view, function and type in `{name}` is deleted, whoever created it"
                ),
            )
        };
        let f = out.report(message, label);
        if ctx.dialect == Dialect::MySql {
            f.lock = Some(
                "exclusive metadata locks on every table of the database while they are dropped"
                    .into(),
            );
        } else if kind == "database" {
            f.lock = Some("the whole database: DROP DATABASE fails while other sessions are connected to it, and `WITH (FORCE)` (PostgreSQL 13+) terminates them".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "drop-schema-or-database";

    fn one(up: &str, down: &str) -> Vec<(String, u32)> {
        hits(&lint("11", &[("0001_a.sql", &migration(up, down))]), ID)
    }

    #[test]
    fn cascade_and_databases_are_reported() {
        assert_eq!(
            one("DROP SCHEMA s CASCADE;", "CREATE SCHEMA s;"),
            [("0001_a.sql".to_string(), 2)]
        );
        assert_eq!(
            one("DROP SCHEMA IF EXISTS a, b CASCADE;", "SELECT 1;").len(),
            2
        );
        assert_eq!(one("DROP DATABASE d;", "SELECT 1;").len(), 1);
    }

    #[test]
    fn restrict_loses_nothing() {
        // PostgreSQL refuses to drop a schema that is not empty.
        assert!(one("DROP SCHEMA s;", "CREATE SCHEMA s;").is_empty());
        assert!(one("DROP SCHEMA s RESTRICT;", "CREATE SCHEMA s;").is_empty());
    }

    #[test]
    fn created_in_the_same_section_is_exempt() {
        assert!(one("CREATE SCHEMA tmp;\nDROP SCHEMA tmp CASCADE;", "SELECT 1;").is_empty());
        assert!(
            one(
                "CREATE SCHEMA tmp AUTHORIZATION app;\nDROP SCHEMA tmp CASCADE;",
                "SELECT 1;"
            )
            .is_empty()
        );
    }

    #[test]
    fn down_with_cascade_is_reported() {
        // The model cannot tell what else lives in the schema by then.
        assert_eq!(
            one("CREATE SCHEMA billing;", "DROP SCHEMA billing CASCADE;"),
            [("0001_a.sql".to_string(), 4)]
        );
        assert!(one("CREATE SCHEMA billing;", "DROP SCHEMA billing;").is_empty());
    }
}
