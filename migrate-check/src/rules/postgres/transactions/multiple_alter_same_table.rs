//! `multiple-alter-same-table`: two `ALTER TABLE` statements on the same
//! existing table that could have been one.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, Query, SetExpr, Statement, TableFactor,
};

use crate::config::{Level, ServerVersion};
use crate::locks;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "multiple-alter-same-table",
    dialects: &[PG, MY],
    default_level: Level::Warn,
    versions: &[],
    summary: "several `ALTER TABLE` statements on the same table where one would do",
    explanation: "Every ALTER TABLE queues again for its lock (ACCESS EXCLUSIVE for most forms): each one is another chance to wait behind a long transaction while all traffic queues behind it, and each may scan or rewrite the table again (a type change, a NOT NULL check). PostgreSQL applies the comma-separated actions of one ALTER TABLE with one lock and at most one rewrite or scan. Not reported: statements PostgreSQL cannot combine (RENAME, SET SCHEMA, ATTACH/DETACH PARTITION), VALIDATE CONSTRAINT (kept apart on purpose: it only takes SHARE UPDATE EXCLUSIVE), the DROP CONSTRAINT that ends the validated-CHECK route to SET NOT NULL, statements with something else using the table in between, and tables created in the same migration. On MySQL and MariaDB each ALTER TABLE also waits for its own exclusive metadata lock, may rebuild the table again, and commits on its own (see non-transactional-ddl-batch); the comma-separated actions of one ALTER TABLE run as one operation.",
    lock: "ACCESS EXCLUSIVE for most ALTER TABLE forms, requested once per statement: each request blocks every read and write of the table while it waits and runs",
    safe_alternative: "combine the actions into one statement: `ALTER TABLE t ADD COLUMN a text, ADD COLUMN b text;`",
    equivalents: "eugene: W12",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_profile.sql
-- migrate:up
ALTER TABLE users ADD COLUMN first_name text;
ALTER TABLE users ADD COLUMN last_name text; -- expect: multiple-alter-same-table
-- migrate:down
ALTER TABLE users DROP COLUMN last_name, DROP COLUMN first_name;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_columns.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50);
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR'; -- expect: multiple-alter-same-table
-- migrate:down
ALTER TABLE orders DROP COLUMN currency, DROP COLUMN note;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_profile.sql
-- migrate:up
ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;
-- migrate:down
ALTER TABLE users DROP COLUMN last_name, DROP COLUMN first_name;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_columns.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN note varchar(50), ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';
-- migrate:down
ALTER TABLE orders DROP COLUMN currency, DROP COLUMN note;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::AlterTable(at)) = stmt.ast() else {
        return;
    };
    let table = object(&at.name);
    if ctx.state.alters.get(&table).copied().unwrap_or(0) == 0
        || ctx.is_new_table(&table)
        || !combinable(at)
    {
        return;
    }
    // The closest earlier statement that uses the table: it must be a
    // combinable ALTER TABLE of it, or the two cannot be merged.
    let Some((prev_stmt, prev)) = ctx.statements[..ctx.position]
        .iter()
        .rev()
        .find(|s| uses(ctx, s, &table))
        .and_then(|s| match s.ast() {
            Some(Statement::AlterTable(p)) if object(&p.name) == table => Some((s, p)),
            _ => None,
        })
    else {
        return;
    };
    if !combinable(prev) || must_follow(ctx.version, prev, at) {
        return;
    }
    out.report(
        format!(
            "another ALTER TABLE on `{table}` in this migration (the previous one is at line {})",
            prev_stmt.line
        ),
        format!("queues for a lock on `{table}` again, and may scan or rewrite it again"),
    );
}

/// Whether the statement's actions can be part of a comma-separated list
/// (and whether it is worth it: VALIDATE is kept apart on purpose).
fn combinable(at: &AlterTable) -> bool {
    use AlterTableOperation as Op;
    !at.operations.iter().any(|op| {
        matches!(
            op,
            Op::RenameColumn { .. }
                | Op::RenameTable { .. }
                | Op::RenameConstraint { .. }
                | Op::AttachPartitionOf { .. }
                | Op::DetachPartitionOf { .. }
                | Op::ValidateConstraint { .. }
        )
    })
}

/// Pairs that must stay two statements for the first to do its job.
fn must_follow(version: ServerVersion, prev: &AlterTable, next: &AlterTable) -> bool {
    use AlterTableOperation as Op;
    let sets_not_null = prev.operations.iter().any(|op| {
        matches!(
            op,
            Op::AlterColumn {
                op: AlterColumnOperation::SetNotNull,
                ..
            }
        )
    });
    let drops_constraint = next
        .operations
        .iter()
        .any(|op| matches!(op, Op::DropConstraint { .. }));
    // SET NOT NULL relies on the validated CHECK that the next statement drops.
    if sets_not_null && drops_constraint {
        return true;
    }
    // Before PostgreSQL 11, `ADD COLUMN` then `SET DEFAULT` in a second
    // statement is the way to avoid a rewrite.
    if version < ServerVersion::new(11, 0, 0) {
        let added: Vec<String> = prev
            .operations
            .iter()
            .filter_map(|op| match op {
                Op::AddColumn { column_def, .. } => Some(ident(&column_def.name)),
                _ => None,
            })
            .collect();
        return next.operations.iter().any(|op| {
            matches!(op, Op::AlterColumn { column_name, op: AlterColumnOperation::SetDefault { .. } } if added.contains(&ident(column_name)))
        });
    }
    false
}

/// Whether a statement reads, writes, locks or alters the table (a DO
/// block may do anything).
fn uses(ctx: &Ctx<'_>, stmt: &Stmt, table: &str) -> bool {
    if matches!(
        stmt.recognized(),
        Some(crate::statement::Recognized::DoBlock { .. })
    ) {
        return true;
    }
    if locks::locks(stmt, ctx.schema)
        .iter()
        .any(|l| l.table == table)
    {
        return true;
    }
    match stmt.ast() {
        Some(Statement::AlterTable(p)) => object(&p.name) == table,
        Some(Statement::Query(q)) => reads(q, table),
        Some(Statement::Insert(i)) => i.source.as_ref().is_some_and(|q| reads(q, table)),
        _ => false,
    }
}

/// Whether a query reads the table in a FROM or JOIN (its own, a CTE's, a
/// derived table's or a set operation's branch).
fn reads(q: &Query, table: &str) -> bool {
    fn factor(f: &TableFactor, table: &str) -> bool {
        match f {
            TableFactor::Table { name, .. } => object(name) == table,
            TableFactor::Derived { subquery, .. } => reads(subquery, table),
            _ => false,
        }
    }
    fn body(b: &SetExpr, table: &str) -> bool {
        match b {
            SetExpr::Select(s) => s.from.iter().any(|t| {
                factor(&t.relation, table) || t.joins.iter().any(|j| factor(&j.relation, table))
            }),
            SetExpr::Query(q) => reads(q, table),
            SetExpr::SetOperation { left, right, .. } => body(left, table) || body(right, table),
            _ => false,
        }
    }
    q.with
        .as_ref()
        .is_some_and(|w| w.cte_tables.iter().any(|c| reads(&c.query, table)))
        || body(&q.body, table)
}

#[cfg(test)]
mod tests {
    use super::super::{ORDERS, findings};

    fn run(up: &str, version: &str) -> Vec<u32> {
        let text = format!("-- migrate:up\n{up}\n-- migrate:irreversible: test\n");
        findings(
            &[ORDERS, ("0002_x.sql", &text)],
            version,
            "multiple-alter-same-table",
        )
        .into_iter()
        .map(|(_, l)| l)
        .collect()
    }

    #[test]
    fn second_and_third_alters_are_reported() {
        let up = "ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';";
        assert_eq!(run(up, "15"), [3, 4]);
    }

    #[test]
    fn other_tables_and_new_tables_are_fine() {
        let up = "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;\nALTER TABLE orders ADD COLUMN a text;";
        assert!(run(up, "15").is_empty());
    }

    #[test]
    fn forms_that_cannot_be_combined() {
        assert!(run("ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders RENAME COLUMN status TO state;", "15").is_empty());
        assert!(run("ALTER TABLE orders RENAME COLUMN status TO state;\nALTER TABLE orders ADD COLUMN a text;", "15").is_empty());
    }

    #[test]
    fn not_valid_then_validate_stays_apart() {
        let up = "ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;";
        assert!(run(up, "15").is_empty());
    }

    #[test]
    fn set_not_null_route_stays_apart() {
        let up = "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_status_nn;";
        assert!(run(up, "15").is_empty());
    }

    #[test]
    fn something_in_between_using_the_table() {
        let up = "ALTER TABLE orders ADD COLUMN a text;\nUPDATE orders SET a = 'x' WHERE id = 1;\nALTER TABLE orders ALTER COLUMN a SET NOT NULL;";
        assert!(run(up, "15").is_empty());
        let up = "ALTER TABLE orders ADD COLUMN a text;\nSELECT count(*) FROM orders;\nALTER TABLE orders ADD COLUMN b text;";
        assert!(run(up, "15").is_empty());
        let up = "ALTER TABLE orders ADD COLUMN a text;\nSELECT 1;\nALTER TABLE orders ADD COLUMN b text;";
        assert_eq!(run(up, "15"), [4]);
    }

    #[test]
    fn set_default_after_add_column_before_pg11() {
        let up = "ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE orders ALTER COLUMN a SET DEFAULT 0;";
        assert!(run(up, "10").is_empty());
        assert_eq!(run(up, "11"), [3]);
    }
}
