//! `rename-schema`: `ALTER SCHEMA … RENAME TO`.

use sqlparser::ast::{AlterSchemaOperation, SchemaName, Statement};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::helpers::earlier;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "rename-schema",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "renaming a schema breaks the code that is running",
    explanation: "ALTER SCHEMA … RENAME TO takes effect at commit: every query of the running application that names the schema (`billing.invoices`), or finds its tables through `search_path`, fails with \"relation does not exist\" until the new code is deployed everywhere — and the new code fails the same way if it is deployed first. Functions, views and settings that name the schema in text (function bodies, `search_path` of roles and functions) are not updated either. A schema created earlier in the same migration is exempt.",
    lock: "",
    safe_alternative: "expand and contract: create the new schema, move or mirror the objects (views in the old schema pointing at the new tables keep old code working), deploy code using the new name, then drop the old schema in a later release",
    equivalents: "strong_migrations: rename_schema",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_billing.sql
-- migrate:up
CREATE SCHEMA billing;
-- migrate:down
DROP SCHEMA billing;
-- file: 0002_rename_billing.sql
-- migrate:up
ALTER SCHEMA billing RENAME TO invoicing; -- expect: rename-schema
-- migrate:down
ALTER SCHEMA invoicing RENAME TO billing;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_billing.sql
-- migrate:up
CREATE SCHEMA billing;
-- migrate:down
DROP SCHEMA billing;
-- file: 0002_create_invoicing.sql
-- migrate:up
CREATE SCHEMA invoicing;
-- migrate:down
DROP SCHEMA invoicing;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterSchema(a)) = stmt.ast() else {
        return;
    };
    let name = object(&a.name);
    for op in &a.operations {
        let AlterSchemaOperation::Rename { name: new } = op else {
            continue;
        };
        let created_here = earlier(ctx, 0..ctx.position, |s| {
            matches!(s, Statement::CreateSchema {
                schema_name: SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _), ..
            } if object(n) == name)
        })
        .is_some();
        if created_here {
            continue;
        }
        out.report(
            format!("renaming schema `{name}` to `{}`", object(new)),
            format!("running code that names `{name}` fails from the commit on"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "rename-schema";

    #[test]
    fn renaming_an_existing_schema() {
        let setup = migration("CREATE SCHEMA a;", "DROP SCHEMA a;");
        let m = migration("ALTER SCHEMA a RENAME TO b;", "ALTER SCHEMA b RENAME TO a;");
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", &m)]);
        assert_eq!(hits(&r, ID).len(), 2);
        // Other ALTER SCHEMA forms are not renames.
        let m = migration(
            "ALTER SCHEMA a OWNER TO app;",
            "ALTER SCHEMA a OWNER TO postgres;",
        );
        let r = lint("11", &[("0001_a.sql", &setup), ("0002_b.sql", &m)]);
        assert!(hits(&r, ID).is_empty());
    }

    #[test]
    fn a_schema_created_in_the_same_migration_is_exempt() {
        let m = migration(
            "CREATE SCHEMA tmp;\nALTER SCHEMA tmp RENAME TO b;",
            "DROP SCHEMA b;",
        );
        assert!(hits(&lint("11", &[("0001_a.sql", &m)]), ID).is_empty());
    }
}
