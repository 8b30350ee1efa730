//! `prefer-robust-stmts`: in a section that runs outside a transaction, a
//! CREATE/ADD/DROP that a re-run after a partial failure would trip over.

use sqlparser::ast::{AlterTableOperation, ObjectType, Statement, TableConstraint};

use crate::config::Level;
use crate::model::{ident, object, object_text};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::{Recognized, Stmt};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "prefer-robust-stmts",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a non-transactional section creates, adds or drops without `IF [NOT] EXISTS`",
    explanation: "A section marked `-- migrate:no-transaction` runs statement by statement, each committing on its own. When a later statement fails, the earlier ones stay applied and the runner records the migration as dirty; once the cause is fixed, the migration is run again from the top, and a plain CREATE (or ADD COLUMN, DROP …) that already succeeded now fails with \"already exists\" / \"does not exist\". A CONCURRENTLY index build can fail half way on its own and leave an INVALID index behind, so it needs a guard even as the last statement. Only creations, additions and drops are reported: statements that can simply run again (SET DEFAULT, ENABLE ROW LEVEL SECURITY, VALIDATE CONSTRAINT, …) are not, and neither is the last statement of a section, which either fully ran or did not.",
    lock: "",
    safe_alternative: "add `IF NOT EXISTS` / `IF EXISTS` (ADD CONSTRAINT and CREATE TYPE have none: drop first with `… IF EXISTS` in the same section, or run them in a transaction); for CREATE INDEX CONCURRENTLY, a `DROP INDEX CONCURRENTLY IF EXISTS` of the same name before it also removes the INVALID index a failed build leaves",
    equivalents: "squawk: prefer-robust-stmts",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_indexes.sql
-- migrate:up
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id); -- expect: prefer-robust-stmts
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_indexes.sql
-- migrate:up
-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);
-- migrate:down
-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
DROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.in_transaction {
        return;
    }
    let concurrent_build =
        matches!(stmt.ast(), Some(Statement::CreateIndex(ci)) if ci.concurrently);
    let last = ctx.statements[ctx.position + 1..].is_empty();
    if last && !concurrent_build {
        return;
    }
    let earlier = &ctx.statements[..ctx.position];
    let mut missing: Vec<String> = Vec::new();
    if let Some(Recognized::DropIndexConcurrently {
        names,
        if_exists: false,
    }) = stmt.recognized()
    {
        let name = names.first().map(|n| object_text(n)).unwrap_or_default();
        missing.push(format!(
            "DROP INDEX CONCURRENTLY `{name}` without IF EXISTS"
        ));
    }
    match stmt.ast() {
        Some(Statement::CreateTable(ct)) if !ct.if_not_exists && !ct.temporary => {
            missing.push(format!(
                "CREATE TABLE `{}` without IF NOT EXISTS",
                object(&ct.name)
            ));
        }
        Some(Statement::CreateIndex(ci)) if !ci.if_not_exists => match &ci.name {
            None => missing.push(format!(
                "unnamed CREATE INDEX on `{}`: a re-run builds a second copy",
                object(&ci.table_name)
            )),
            Some(n) if !dropped_first(earlier, ObjectType::Index, &object(n)) => {
                missing.push(format!(
                    "CREATE INDEX `{}` without IF NOT EXISTS",
                    object(n)
                ));
            }
            Some(_) => {}
        },
        Some(Statement::CreateSequence {
            if_not_exists: false,
            temporary: false,
            name,
            ..
        }) => missing.push(format!(
            "CREATE SEQUENCE `{}` without IF NOT EXISTS",
            object(name)
        )),
        Some(Statement::CreateSchema {
            if_not_exists: false,
            schema_name,
            ..
        }) => missing.push(format!(
            "CREATE SCHEMA `{schema_name}` without IF NOT EXISTS"
        )),
        Some(Statement::CreateExtension(e)) if !e.if_not_exists => {
            missing.push(format!(
                "CREATE EXTENSION `{}` without IF NOT EXISTS",
                ident(&e.name)
            ));
        }
        Some(Statement::CreateView(v)) if !v.or_replace && !v.if_not_exists => {
            missing.push(format!(
                "CREATE VIEW `{}` without OR REPLACE or IF NOT EXISTS",
                object(&v.name)
            ));
        }
        Some(Statement::CreateType { name, .. })
            if !dropped_first(earlier, ObjectType::Type, &object(name)) =>
        {
            missing.push(format!(
                "CREATE TYPE `{}`, which has no IF NOT EXISTS",
                object(name)
            ));
        }
        Some(Statement::Drop {
            object_type,
            if_exists: false,
            temporary: false,
            names,
            ..
        }) => missing.push(format!(
            "DROP {object_type} `{}` without IF EXISTS",
            names.first().map(object).unwrap_or_default()
        )),
        Some(Statement::AlterTable(at)) => {
            let table = object(&at.name);
            for (i, op) in at.operations.iter().enumerate() {
                match op {
                    AlterTableOperation::AddColumn {
                        if_not_exists: false,
                        column_def,
                        ..
                    } => missing.push(format!(
                        "ADD COLUMN `{}` to `{table}` without IF NOT EXISTS",
                        ident(&column_def.name)
                    )),
                    AlterTableOperation::DropColumn {
                        if_exists: false,
                        column_names,
                        ..
                    } => missing.push(format!(
                        "DROP COLUMN `{}` of `{table}` without IF EXISTS",
                        column_names.first().map(ident).unwrap_or_default()
                    )),
                    AlterTableOperation::DropConstraint {
                        if_exists: false,
                        name,
                        ..
                    } => missing.push(format!(
                        "DROP CONSTRAINT `{}` of `{table}` without IF EXISTS",
                        ident(name)
                    )),
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        let name = constraint_name(constraint);
                        let guarded = name.as_ref().is_some_and(|n| {
                            constraint_dropped_first(earlier, &at.operations[..i], &table, n)
                        });
                        if !guarded {
                            let what = name.map_or_else(
                                || "a constraint".into(),
                                |n| format!("constraint `{n}`"),
                            );
                            missing.push(format!(
                                "ADD {what} to `{table}` with no `DROP CONSTRAINT IF EXISTS` before it"
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    let label = if last {
        "a failed CONCURRENTLY build leaves an INVALID index behind: a re-run fails here"
    } else {
        "if a later statement fails, this one stays applied and a re-run of the migration fails here"
    };
    for m in missing {
        out.report(
            format!("{m} in a section that runs outside a transaction"),
            label,
        );
    }
}

/// Whether an earlier statement drops the object `IF EXISTS` (the
/// drop-then-create idiom).
fn dropped_first(earlier: &[Stmt], kind: ObjectType, name: &str) -> bool {
    earlier.iter().any(|s| match (s.ast(), s.recognized()) {
        (
            Some(Statement::Drop {
                object_type,
                if_exists: true,
                names,
                ..
            }),
            _,
        ) => *object_type == kind && names.iter().any(|n| object(n) == name),
        (
            _,
            Some(Recognized::DropIndexConcurrently {
                names,
                if_exists: true,
            }),
        ) => kind == ObjectType::Index && names.iter().any(|n| object_text(n) == name),
        _ => false,
    })
}

/// Whether `DROP CONSTRAINT IF EXISTS name` on the table comes first, in an
/// earlier statement or earlier in the same one.
fn constraint_dropped_first(
    earlier: &[Stmt],
    same_statement: &[AlterTableOperation],
    table: &str,
    name: &str,
) -> bool {
    let drops = |ops: &[AlterTableOperation]| {
        ops.iter().any(|op| {
            matches!(op, AlterTableOperation::DropConstraint { if_exists: true, name: n, .. } if ident(n) == name)
        })
    };
    drops(same_statement)
        || earlier.iter().any(|s| {
            matches!(s.ast(), Some(Statement::AlterTable(at)) if object(&at.name) == table && drops(&at.operations))
        })
}

fn constraint_name(c: &TableConstraint) -> Option<String> {
    let name = match c {
        TableConstraint::Check(x) => x.name.as_ref(),
        TableConstraint::ForeignKey(x) => x.name.as_ref(),
        TableConstraint::Unique(x) => x.name.as_ref(),
        TableConstraint::PrimaryKey(x) => x.name.as_ref(),
        _ => None,
    };
    name.map(ident)
}

#[cfg(test)]
mod tests {

    fn run(up: &str, no_tx: bool) -> Vec<u32> {
        super::super::up_lines("prefer-robust-stmts", up, no_tx)
    }

    #[test]
    fn unguarded_statements_before_the_last_are_reported() {
        let up = "CREATE TABLE t (a int);\nALTER TABLE orders ADD COLUMN a text, DROP COLUMN status;\nDROP TABLE t;\nCREATE SEQUENCE s;\nSELECT 1;";
        assert_eq!(run(up, true), [3, 4, 4, 5, 6]);
    }

    #[test]
    fn guarded_statements_are_fine() {
        let up = "CREATE TABLE IF NOT EXISTS t (a int);\nALTER TABLE orders ADD COLUMN IF NOT EXISTS a text, DROP COLUMN IF EXISTS status, DROP CONSTRAINT IF EXISTS c;\nDROP TABLE IF EXISTS t;\nCREATE OR REPLACE VIEW v AS SELECT 1;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\nSELECT 1;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn squawk_308_idempotent_actions_are_not_reported() {
        let up = "SELECT 1;\nALTER TABLE IF EXISTS orders ENABLE ROW LEVEL SECURITY;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';\nALTER TABLE orders VALIDATE CONSTRAINT c;\nSELECT 2;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn drop_then_add_constraint_is_the_guard() {
        let up = "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_fk;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nSELECT 1;";
        assert!(run(up, true).is_empty());
        let up = "ALTER TABLE orders DROP CONSTRAINT IF EXISTS c, ADD CONSTRAINT c CHECK (status <> '') NOT VALID;\nSELECT 1;";
        assert!(run(up, true).is_empty());
        let up = "ALTER TABLE orders ADD CONSTRAINT c CHECK (status <> '') NOT VALID;\nSELECT 1;";
        assert_eq!(run(up, true), [3]);
    }

    #[test]
    fn the_last_statement_is_atomic_unless_concurrent() {
        assert!(run("SELECT 1;\nALTER TABLE orders ADD COLUMN a text;", true).is_empty());
        assert_eq!(
            run("CREATE INDEX CONCURRENTLY i ON orders (user_id);", true),
            [3]
        );
        assert!(
            run(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON orders (user_id);",
                true
            )
            .is_empty()
        );
        assert!(run("DROP INDEX CONCURRENTLY i;", true).is_empty());
        assert_eq!(run("DROP INDEX CONCURRENTLY i;\nSELECT 1;", true), [3]);
    }

    #[test]
    fn unnamed_index_is_reported() {
        assert_eq!(
            run("CREATE INDEX ON orders (status);\nSELECT 1;", true),
            [3]
        );
    }

    #[test]
    fn transactions_make_it_atomic() {
        let up = "CREATE TABLE t (a int);\nALTER TABLE orders ADD COLUMN a text;";
        assert!(run(up, false).is_empty());
        let up = "BEGIN;\nCREATE TABLE t (a int);\nDROP TABLE orders;\nCOMMIT;\nSELECT 1;";
        assert!(run(up, true).is_empty());
    }

    #[test]
    fn create_type_has_no_guard_but_can_be_dropped_first() {
        assert_eq!(run("CREATE TYPE mood AS ENUM ('a');\nSELECT 1;", true), [3]);
        assert!(
            run(
                "DROP TYPE IF EXISTS mood;\nCREATE TYPE mood AS ENUM ('a');\nSELECT 1;",
                true
            )
            .is_empty()
        );
    }
}
