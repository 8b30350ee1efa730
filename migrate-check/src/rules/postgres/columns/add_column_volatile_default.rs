//! `add-column-volatile-default`: `ADD COLUMN … DEFAULT <volatile>` rewrites an existing table.

use sqlparser::ast::{AlterTableOperation, ColumnOption, Expr, FunctionBehavior, Statement};

use crate::config::Level;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::support::{PG11, alter_table, children, ident_span, is_null};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-column-volatile-default",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a column whose default must be computed row by row rewrites the whole table",
    explanation: "ALTER TABLE … ADD COLUMN takes an ACCESS EXCLUSIVE lock on the table. Since PostgreSQL 11 a default that is not volatile (a constant, an array or a cast of constants, `now()`, `current_timestamp`) is evaluated once and kept in the catalog: existing rows are not touched and the lock is brief. A volatile default (`random()`, `clock_timestamp()`, `gen_random_uuid()`, `uuid_generate_v4()`, `nextval()`, `timeofday()`, or a function of your own, which PostgreSQL takes as VOLATILE unless it was declared STABLE or IMMUTABLE) must be computed for every existing row, so PostgreSQL rewrites the table and rebuilds its indexes under that lock: every read and every write waits for a time that grows with the table. Before PostgreSQL 11 every non-NULL default rewrites the table.",
    lock: "ACCESS EXCLUSIVE on the table for the whole rewrite: blocks every read and every write",
    safe_alternative: "add the column without a default, then `ALTER TABLE … ALTER COLUMN … SET DEFAULT <expr>` (new rows only, no rewrite); backfill the existing rows in batches in a later migration marked `-- migrate:no-transaction`; if the column must be NOT NULL, add a `CHECK (c IS NOT NULL) NOT VALID`, validate it in a later migration, then `SET NOT NULL`",
    equivalents: "squawk: adding-field-with-default · strong_migrations: add_column_default · Atlas: PG302 · safe-pg-migrations: refuses to backfill volatile defaults",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
-- migrate:down
DROP TABLE orders;
-- file: 0002_add_orders_public_id.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid(); -- expect: add-column-volatile-default
-- migrate:down
ALTER TABLE orders DROP COLUMN public_id;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
-- a new table: nobody else uses it yet
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
-- migrate:down
DROP TABLE orders;
-- file: 0002_add_orders_columns.sql
-- migrate:up
-- stable and constant defaults are stored once (PostgreSQL >= 11): no rewrite
ALTER TABLE orders
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN token uuid;
-- a default set afterwards applies to new rows only
ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
-- migrate:down
ALTER TABLE orders DROP COLUMN token, DROP COLUMN tags, DROP COLUMN created_at;
-- file: 0003_backfill_orders_token.sql
-- migrate:up
-- migrate:no-transaction
UPDATE orders SET token = gen_random_uuid() WHERE id IN (SELECT id FROM orders WHERE token IS NULL LIMIT 5000);
-- migrate:irreversible: fills a column that 0002's down drops
",
    }],
    check: Some(check),
};

/// Functions whose result changes from row to row.
const VOLATILE: &[&str] = &[
    "random",
    "random_normal",
    "clock_timestamp",
    "timeofday",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "nextval",
    "gen_random_bytes",
];

/// Built-in functions seen in defaults that are STABLE or IMMUTABLE: within
/// one statement they give one value, which PostgreSQL ≥ 11 stores once.
const NOT_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_schema",
    "current_database",
    "current_catalog",
    "timezone",
    "date_trunc",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "to_timestamp",
    "to_date",
    "to_char",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "concat",
    "concat_ws",
    "md5",
    "length",
    "btrim",
    "ltrim",
    "rtrim",
    "replace",
    "abs",
    "round",
    "trunc",
    "array_fill",
    "to_json",
    "to_jsonb",
    "json_build_object",
    "json_build_array",
    "jsonb_build_object",
    "jsonb_build_array",
    "row",
];

/// Why a default is evaluated per row.
enum Volatility {
    /// A function known to be volatile.
    Known(String),
    /// A function the checker does not know: VOLATILE unless declared otherwise.
    Unknown(String),
}

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let Some(default) = column_def.options.iter().find_map(|o| match &o.option {
            ColumnOption::Default(e) => Some(e),
            _ => None,
        }) else {
            continue;
        };
        let column = ident(&column_def.name);
        let span = ident_span(ctx, stmt, &column_def.name);
        match volatility(ctx, default) {
            Some(Volatility::Known(f)) => {
                out.report(
                    format!("adding column `{column}` to existing table `{table}` with volatile default `{f}()` rewrites the table"),
                    format!("`{f}()` is computed for every existing row while `{table}` is locked"),
                )
                .span = span;
            }
            Some(Volatility::Unknown(f)) => {
                let finding = out.report(
                    format!("adding column `{column}` to existing table `{table}` with default `{f}()` may rewrite the table"),
                    format!("unless `{f}` is STABLE or IMMUTABLE, it is computed for every existing row while `{table}` is locked"),
                );
                finding.span = span;
                finding.notes.push(format!("`{f}` is not a built-in function the checker knows; PostgreSQL takes a function as VOLATILE unless `CREATE FUNCTION` said STABLE or IMMUTABLE. If it is, allow this statement with that reason"));
            }
            None if ctx.version < PG11 && !is_null(default) => {
                let finding = out.report(
                    format!("adding column `{column}` with a default to existing table `{table}` rewrites the table before PostgreSQL 11"),
                    format!("every row of `{table}` is rewritten while it is locked"),
                );
                finding.span = span;
                finding.notes.push(format!("`postgres_version` is {}: before PostgreSQL 11 every non-NULL default is written into each row; from 11 on a non-volatile default is only stored in the catalog", ctx.version));
            }
            None => {}
        }
    }
}

/// The first function of the expression that makes it per-row.
fn volatility(ctx: &Ctx<'_>, e: &Expr) -> Option<Volatility> {
    if let Expr::Function(f) = e {
        let name = f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(ident)
            .unwrap_or_else(|| f.name.to_string().to_lowercase());
        if VOLATILE.contains(&name.as_str()) {
            return Some(Volatility::Known(name));
        }
        if !NOT_VOLATILE.contains(&name.as_str()) && !declared_non_volatile(ctx, &name) {
            return Some(Volatility::Unknown(name));
        }
    }
    children(e)?
        .into_iter()
        .find_map(|child| volatility(ctx, child))
}

/// Whether an earlier statement of the section created the function as
/// STABLE or IMMUTABLE.
fn declared_non_volatile(ctx: &Ctx<'_>, name: &str) -> bool {
    ctx.statements[..ctx.position].iter().any(|s| {
        matches!(
            s.ast(),
            Some(Statement::CreateFunction(cf))
                if object(&cf.name) == name
                    && matches!(cf.behavior, Some(FunctionBehavior::Stable | FunctionBehavior::Immutable))
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, shown, two};

    const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY);";

    fn flags(version: &str, up: &str) -> bool {
        let r = two(version, ORDERS, up);
        fires(&r, "add-column-volatile-default")
    }

    #[test]
    fn volatile_functions_rewrite() {
        for d in [
            "random()",
            "clock_timestamp()",
            "gen_random_uuid()",
            "uuid_generate_v4()",
            "nextval('orders_seq')",
            "timeofday()",
            "public.gen_random_uuid()",
            "(random() * 100)::int",
            "md5(random()::text)",
        ] {
            assert!(
                flags(
                    "15",
                    &format!("ALTER TABLE orders ADD COLUMN c text DEFAULT {d};")
                ),
                "{d}"
            );
        }
    }

    #[test]
    fn stable_and_constant_defaults_do_not_rewrite_since_11() {
        // squawk#645: current_timestamp, arrays and casts of constants were false positives.
        for d in [
            "now()",
            "current_timestamp",
            "CURRENT_DATE",
            "0",
            "'pending'",
            "true",
            "'{}'",
            "ARRAY[1, 2]",
            "'{a,b}'::text[]",
            "'\\x00'::bytea",
            "'1 day'::interval",
            "now() + interval '1 day'",
            "NULL",
        ] {
            assert!(
                !flags(
                    "11",
                    &format!("ALTER TABLE orders ADD COLUMN c text DEFAULT {d};")
                ),
                "{d}"
            );
        }
    }

    #[test]
    fn before_11_any_non_null_default_rewrites() {
        assert!(flags(
            "10",
            "ALTER TABLE orders ADD COLUMN c int NOT NULL DEFAULT 0;"
        ));
        assert!(flags(
            "10",
            "ALTER TABLE orders ADD COLUMN c timestamptz DEFAULT now();"
        ));
        assert!(!flags(
            "10",
            "ALTER TABLE orders ADD COLUMN c int DEFAULT NULL;"
        ));
        assert!(!flags("10", "ALTER TABLE orders ADD COLUMN c int;"));
    }

    #[test]
    fn unknown_functions_are_reported_unless_declared_stable_here() {
        let r = two(
            "15",
            ORDERS,
            "ALTER TABLE orders ADD COLUMN c text DEFAULT make_code();",
        );
        assert!(fires(&r, "add-column-volatile-default"), "{}", shown(&r));
        assert!(shown(&r).contains("STABLE or IMMUTABLE"));
        assert!(!flags(
            "15",
            "CREATE FUNCTION make_code() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x' $$;\nALTER TABLE orders ADD COLUMN c text DEFAULT make_code();"
        ));
    }

    #[test]
    fn new_tables_are_exempt() {
        let r = two(
            "15",
            ORDERS,
            "CREATE TABLE items (id bigint);\nALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        );
        assert!(!fires(&r, "add-column-volatile-default"), "{}", shown(&r));
    }

    #[test]
    fn points_at_the_column_of_a_multi_column_alter() {
        let r = two(
            "15",
            ORDERS,
            "ALTER TABLE orders ADD COLUMN a int DEFAULT 1,\n  ADD COLUMN b uuid DEFAULT gen_random_uuid();",
        );
        let d: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.rule == "add-column-volatile-default")
            .collect();
        assert_eq!(d.len(), 1, "{}", shown(&r));
        assert_eq!((d[0].line, d[0].column), (3, 14));
    }
}
