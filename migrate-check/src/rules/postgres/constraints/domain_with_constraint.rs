//! `domain-with-constraint`: `CREATE DOMAIN … CHECK` and `ALTER DOMAIN … ADD CONSTRAINT`.

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::locks::LockMode;
use crate::model::{object, object_text};
use crate::rules::{Ctx, Example, Findings, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::helpers::{alter_domain, earlier};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "domain-with-constraint",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "a constraint on a domain: adding or changing it checks every column of the domain in every table at once, blocking writes",
    explanation: "A domain's constraints apply to every column declared with it, in every table. ALTER DOMAIN … ADD CONSTRAINT opens every such table with a SHARE lock (INSERT, UPDATE and DELETE wait) and scans them all, holding every lock until commit; NOT VALID only postpones the same scan to ALTER DOMAIN … VALIDATE CONSTRAINT, which takes the same SHARE locks (as of PostgreSQL 17's source), so the recognized `ALTER DOMAIN … ADD CONSTRAINT … NOT VALID` is reported as well. Unlike a table's CHECK there is no way to check one table at a time under a weak lock, and converting a column to a constrained domain checks every row under ACCESS EXCLUSIVE. So a domain created with a CHECK locks the project into these operations the first time the rule must change. A domain created earlier in the same migration is exempt from the ALTER DOMAIN report (no column uses it yet), and a down section re-creating a domain its up dropped from the CREATE DOMAIN report.",
    lock: "SHARE on every table with a column of the domain, held until commit while all of them are scanned: blocks INSERT, UPDATE and DELETE (reads go on)",
    safe_alternative: "put the CHECK on the table columns instead (`amount numeric CHECK (amount > 0)`; on existing tables `ADD CONSTRAINT … CHECK (…) NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration), and keep domains, if any, without constraints",
    equivalents: "squawk: ban-create-domain-with-constraint, ban-alter-domain-with-add-constraint",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_positive_amount.sql
-- migrate:up
CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0); -- expect: domain-with-constraint
-- migrate:down
DROP DOMAIN positive_amount;
",
        },
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE DOMAIN amount AS numeric;
CREATE TABLE orders (id bigint PRIMARY KEY, total amount NOT NULL);
-- migrate:down
DROP TABLE orders;
DROP DOMAIN amount;
-- file: 0002_amount_positive.sql
-- migrate:up
ALTER DOMAIN amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0); -- expect: domain-with-constraint
-- migrate:down
ALTER DOMAIN amount DROP CONSTRAINT amount_positive;
",
        },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL CHECK (total > 0));
-- migrate:down
DROP TABLE orders;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if let Some(Statement::CreateDomain(d)) = stmt.ast() {
        // A down section re-creating the domain its up dropped restores it.
        if !d.constraints.is_empty() && ctx.section == SectionKind::Up {
            let name = object(&d.name);
            out.report(
                format!("domain `{name}` is created with a constraint"),
                "changing it later checks every column of the domain in every table at once",
            )
            .lock = Some(format!(
                "none yet; the next ALTER DOMAIN `{name}` … ADD or VALIDATE CONSTRAINT takes {} on every table with a column of the domain",
                LockMode::Share
            ));
        }
        return;
    }
    let Some((domain, true)) = alter_domain(stmt) else {
        return;
    };
    let domain = object_text(domain);
    let created_here = earlier(
        ctx,
        0..ctx.position,
        |s| matches!(s, Statement::CreateDomain(d) if object(&d.name) == domain),
    )
    .is_some();
    if created_here {
        return;
    }
    let share = LockMode::Share;
    out.report(
        format!("ALTER DOMAIN `{domain}` ADD CONSTRAINT checks every column of the domain in every table"),
        format!("INSERT, UPDATE and DELETE wait on every table using `{domain}` until commit"),
    )
    .lock = Some(format!(
        "{share} on every table with a column of `{domain}`, held until commit: blocks {}",
        share.blocks()
    ));
}

#[cfg(test)]
mod tests {
    use super::super::testing::{hits, lint, migration};

    const ID: &str = "domain-with-constraint";

    fn run(files: &[(&str, &str)]) -> Vec<(String, u32)> {
        hits(&lint("11", files), ID)
    }

    #[test]
    fn create_domain_with_and_without_check() {
        let m = migration(
            "CREATE DOMAIN d AS int CHECK (VALUE > 0);",
            "DROP DOMAIN d;",
        );
        assert_eq!(run(&[("0001_a.sql", &m)]), [("0001_a.sql".to_string(), 2)]);
        let m = migration("CREATE DOMAIN d AS int DEFAULT 0;", "DROP DOMAIN d;");
        assert!(run(&[("0001_a.sql", &m)]).is_empty());
        let m = migration(
            "DROP DOMAIN IF EXISTS d;",
            "CREATE DOMAIN d AS int CHECK (VALUE > 0);",
        );
        assert!(run(&[("0001_a.sql", &m)]).is_empty());
    }

    #[test]
    fn alter_domain_add_constraint_is_recognized() {
        let setup = migration("CREATE DOMAIN d AS int;", "DROP DOMAIN d;");
        let alter = migration(
            "ALTER DOMAIN public.d ADD CONSTRAINT c CHECK (VALUE > 0);",
            "ALTER DOMAIN d DROP CONSTRAINT c;",
        );
        assert_eq!(
            run(&[("0001_a.sql", &setup), ("0002_b.sql", &alter)]),
            [("0002_b.sql".to_string(), 2)]
        );
    }

    #[test]
    fn not_valid_only_postpones_the_same_scan() {
        let setup = migration("CREATE DOMAIN d AS int;", "DROP DOMAIN d;");
        let alter = migration(
            "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;",
            "ALTER DOMAIN d DROP CONSTRAINT c;",
        );
        assert_eq!(
            run(&[("0001_a.sql", &setup), ("0002_b.sql", &alter)]).len(),
            1
        );
    }

    #[test]
    fn other_alter_domain_forms_are_not_reported() {
        let setup = migration("CREATE DOMAIN d AS int;", "DROP DOMAIN d;");
        let alter = migration(
            "ALTER DOMAIN d SET DEFAULT 1;",
            "ALTER DOMAIN d DROP DEFAULT;",
        );
        assert!(run(&[("0001_a.sql", &setup), ("0002_b.sql", &alter)]).is_empty());
    }

    #[test]
    fn a_domain_created_in_the_same_migration_has_no_column_yet() {
        let m = migration(
            "CREATE DOMAIN d AS int;\nALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0);",
            "DROP DOMAIN d;",
        );
        assert!(run(&[("0001_a.sql", &m)]).is_empty());
    }
}
