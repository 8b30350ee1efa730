//! `require-table-schema` (opt-in): a table named without its schema.

use sqlparser::ast::{ObjectName, ObjectType, Statement};

use crate::config::Level;
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::introduced::{last_ident, span_of};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "require-table-schema",
    dialects: &[PG],
    default_level: Level::Allow,
    versions: &[],
    summary: "a table named without its schema (opt-in)",
    explanation: "An unqualified name is resolved through the session's `search_path` when the migration runs: the same migration creates or alters a table in a different schema depending on the role, the connection string or a `SET search_path` run earlier, and may act on a same-named table in another schema. Projects that keep several schemas, or run migrations as different roles, qualify every table. Off by default (like squawk's opt-in rule): most projects use only `public`. Enable it in `migrate.toml` with `[rules] require-table-schema = \"warn\"` (or `\"error\"`). Covers CREATE TABLE (not TEMPORARY), ALTER TABLE, DROP TABLE and the table of CREATE INDEX; temporary tables created earlier in the section are exempt.",
    lock: "",
    safe_alternative: "qualify the table with its schema: `public.orders`",
    equivalents: "squawk: require-table-schema (opt-in)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY); -- expect: require-table-schema
-- migrate:down
DROP TABLE public.orders;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE public.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
-- migrate:down
DROP TABLE public.orders;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(ast) = stmt.ast() else { return };
    let tables: Vec<&ObjectName> = match ast {
        Statement::CreateTable(ct) if !ct.temporary => vec![&ct.name],
        Statement::AlterTable(at) => vec![&at.name],
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            temporary: false,
            ..
        } => names.iter().collect(),
        Statement::CreateIndex(ci) => vec![&ci.table_name],
        _ => return,
    };
    for name in tables {
        if name.0.len() > 1 || is_temporary(ctx, &object(name)) {
            continue;
        }
        let table = object(name);
        let f = out.report(
            format!("table `{table}` is not schema-qualified"),
            "resolved through `search_path` when the migration runs",
        );
        f.span = last_ident(name).and_then(|i| span_of(ctx, i));
        f.help = Some(format!("write `public.{table}` (or its schema)"));
    }
}

/// A temporary table created earlier in the section (it lives in `pg_temp`).
fn is_temporary(ctx: &Ctx<'_>, table: &str) -> bool {
    ctx.statements[..ctx.position].iter().any(|s| {
        matches!(s.ast(), Some(Statement::CreateTable(ct)) if ct.temporary && object(&ct.name) == table)
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run, run_with};

    const ID: &str = "require-table-schema";

    fn lines(m: &str) -> Vec<u32> {
        hits(&run_with(&[("1_t.sql", m)], "15", &[ID]), ID)
            .into_iter()
            .map(|h| h.1)
            .collect()
    }

    #[test]
    fn off_unless_enabled() {
        let m = migration("CREATE TABLE t (id bigint);", "DROP TABLE t;");
        assert!(hits(&run(&[("1_t.sql", &m)], "15"), ID).is_empty());
        assert_eq!(lines(&m), [2, 4]);
    }

    #[test]
    fn unqualified_tables_are_reported_qualified_ones_are_not() {
        let m = migration(
            "CREATE TABLE t (id bigint);\nCREATE TABLE public.u (id bigint);\nALTER TABLE t ADD COLUMN n text;\nALTER TABLE public.u ADD COLUMN n text;\nCREATE INDEX CONCURRENTLY t_n_idx ON t (n);\nCREATE INDEX u_n_idx ON public.u (n);\nDROP TABLE public.u, t;",
            "SELECT 1;",
        );
        assert_eq!(lines(&m), [2, 4, 6, 8]);
    }

    #[test]
    fn temporary_tables_are_exempt() {
        let m = migration(
            "CREATE TEMPORARY TABLE scratch (id bigint);\nALTER TABLE scratch ADD COLUMN n text;\nDROP TABLE scratch;",
            "SELECT 1;",
        );
        assert!(lines(&m).is_empty());
    }
}
