//! `table-rewrite-maintenance`: `VACUUM FULL` and `CLUSTER`, which rewrite
//! the table under an ACCESS EXCLUSIVE lock.

use sqlparser::ast::Statement;

use super::support::PG19;
use crate::config::Level;
use crate::model::{object, object_text};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "table-rewrite-maintenance",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`VACUUM FULL` and `CLUSTER` rewrite the whole table while it is locked against reads and writes",
    explanation: "VACUUM FULL and CLUSTER write a new copy of the table and of all its indexes, holding an ACCESS EXCLUSIVE lock throughout: every read and every write waits for a time that grows with the table, and the copy needs as much free disk again. Without a table name they do it to every table of the database (CLUSTER: every table clustered before). A plain VACUUM does not rewrite and blocks nobody. PostgreSQL 19 adds REPACK (CONCURRENTLY), which rewrites without blocking; before it, pg_repack or pg_squeeze do the same from outside. A table created by this same migration is exempt.",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write until the rewrite ends",
    safe_alternative: "compact the table with pg_repack (or pg_squeeze) run outside the migrations, which holds the strong lock only for a moment at the end; a plain `VACUUM` reclaims space for reuse without a rewrite; on PostgreSQL ≥ 19 use `REPACK (CONCURRENTLY) t`",
    equivalents: "squawk: prefer-repack (PostgreSQL ≥ 19) · eugene: E10 (trace only)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_compact_events.sql
-- migrate:up
-- migrate:no-transaction
VACUUM FULL events; -- expect: table-rewrite-maintenance
-- migrate:irreversible: compaction changes no schema, there is nothing to undo
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_vacuum_events.sql
-- migrate:up
-- migrate:no-transaction
-- space for reuse and fresh statistics, without a rewrite; pg_repack compacts outside migrations
VACUUM (ANALYZE) events;
-- migrate:irreversible: vacuuming changes no schema, there is nothing to undo
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let (what, tables, everything) = match (stmt.ast(), stmt.recognized()) {
        (Some(Statement::Vacuum(v)), _) if v.full => (
            "VACUUM FULL",
            v.table_name.iter().map(object).collect::<Vec<_>>(),
            "every table of the database",
        ),
        (_, Some(Recognized::Vacuum { full: true, tables })) => (
            "VACUUM FULL",
            tables.iter().map(|t| object_text(t)).collect(),
            "every table of the database",
        ),
        (_, Some(Recognized::Cluster { table })) => (
            "CLUSTER",
            table.iter().map(|t| object_text(t)).collect(),
            "every table clustered before",
        ),
        _ => return,
    };
    let vacuum = what == "VACUUM FULL";
    // VACUUM and a CLUSTER of everything refuse to run in a transaction block.
    let fails_in_transaction = ctx.in_transaction && (vacuum || tables.is_empty());
    let existing: Vec<&String> = tables.iter().filter(|t| !ctx.is_new_table(t)).collect();
    if !tables.is_empty() && existing.is_empty() {
        return;
    }
    let target = if existing.is_empty() {
        everything.to_string()
    } else {
        let names: Vec<String> = existing.iter().map(|t| format!("`{t}`")).collect();
        format!("table {}", names.join(", "))
    };
    let f = out.report(
        format!("{what} rewrites {target} under an ACCESS EXCLUSIVE lock"),
        "every read and every write waits until the whole table is rewritten",
    );
    if ctx.version >= PG19 {
        f.help = Some(format!(
            "use `REPACK (CONCURRENTLY)` (PostgreSQL ≥ 19) instead of {what}: it rewrites the table without blocking reads and writes"
        ));
    }
    if fails_in_transaction {
        f.notes.push(format!(
            "{what}{} cannot run inside a transaction block either: this migration fails at deploy as written",
            if vacuum { "" } else { " without a table" }
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const EVENTS: &str = "CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);";
    const ID: &str = "table-rewrite-maintenance";
    const NO_TX: &str = "-- migrate:no-transaction\nSELECT 1;";

    #[test]
    fn vacuum_full_and_cluster_of_existing_tables_are_reported() {
        let r = two(
            "15",
            EVENTS,
            "-- migrate:no-transaction\nVACUUM FULL events;\nVACUUM (FULL, ANALYZE) events;\nCLUSTER events USING events_pkey;\nCLUSTER VERBOSE events;",
            NO_TX,
        );
        assert_eq!(lines(&r, ID), vec![3, 4, 5, 6], "{}", shown(&r));
        assert!(!shown(&r).contains("transaction block"), "{}", shown(&r));
    }

    #[test]
    fn plain_vacuum_is_not_reported() {
        let r = two(
            "15",
            EVENTS,
            "-- migrate:no-transaction\nVACUUM events;\nVACUUM (ANALYZE) events;\nVACUUM ANALYZE events;\nANALYZE events;",
            NO_TX,
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn whole_database_forms_are_reported() {
        let r = two(
            "15",
            EVENTS,
            "-- migrate:no-transaction\nVACUUM FULL;\nCLUSTER;",
            NO_TX,
        );
        assert_eq!(lines(&r, ID), vec![3, 4], "{}", shown(&r));
        assert!(
            shown(&r).contains("every table of the database"),
            "{}",
            shown(&r)
        );
        assert!(
            shown(&r).contains("every table clustered before"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn new_table_is_exempt() {
        let r = two(
            "15",
            EVENTS,
            "CREATE TABLE t (id bigint PRIMARY KEY);\nCLUSTER t USING t_pkey;",
            "DROP TABLE t;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn vacuum_in_a_transaction_notes_the_deploy_failure() {
        let r = two("15", EVENTS, "VACUUM FULL events;", "SELECT 1;");
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(
            shown(&r).contains("cannot run inside a transaction block"),
            "{}",
            shown(&r)
        );
        // CLUSTER of one table may run in a transaction.
        let r = two(
            "15",
            EVENTS,
            "CLUSTER events USING events_pkey;",
            "SELECT 1;",
        );
        assert!(!shown(&r).contains("transaction block"), "{}", shown(&r));
    }

    #[test]
    fn repack_is_the_help_from_postgres_19() {
        let up = "-- migrate:no-transaction\nVACUUM FULL events;";
        let help = |version: &str| {
            let r = two(version, EVENTS, up, NO_TX);
            let d = r
                .diagnostics
                .iter()
                .find(|d| d.rule == ID)
                .expect("reported");
            d.help.clone().unwrap_or_default()
        };
        assert!(
            help("19").starts_with("use `REPACK (CONCURRENTLY)`"),
            "{}",
            help("19")
        );
        assert!(help("18").contains("pg_repack"), "{}", help("18"));
    }
}
