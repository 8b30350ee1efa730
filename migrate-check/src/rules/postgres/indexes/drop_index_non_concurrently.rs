//! `drop-index-non-concurrently`: `DROP INDEX` without `CONCURRENTLY` on an existing table.

use sqlparser::ast::{ObjectType, Statement};

use super::support::ident_span;
use crate::config::Level;
use crate::model::{Constraint, ConstraintKind, object};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-index-non-concurrently",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "`DROP INDEX` without `CONCURRENTLY` locks the table against reads and writes",
    explanation: "A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is quick, but the lock request waits for every running query on the table to finish, and every query that arrives meanwhile — reads included — queues behind it: one slow report stalls all traffic on the table. DROP INDEX CONCURRENTLY (every supported PostgreSQL version) waits for those queries without blocking new ones. An index created by this same migration (or, in a down section, by its own up) is exempt: nobody uses it yet.",
    lock: "ACCESS EXCLUSIVE on the table: blocks every read and every write, and everything queued behind it, until the drop commits",
    safe_alternative: "use `DROP INDEX CONCURRENTLY name` — one index per statement, without CASCADE — in a migration of its own marked `-- migrate:no-transaction`; an index that backs a UNIQUE or PRIMARY KEY constraint is dropped with `ALTER TABLE … DROP CONSTRAINT` instead, and an index of a partitioned table cannot be dropped concurrently (drop it at a quiet time with `-- migrate:allow(drop-index-non-concurrently): <reason>`)",
    equivalents: "squawk: require-concurrent-index-deletion · strong_migrations: remove_index (opt-in) · Atlas: PG102 · safe-pg-migrations: rewrites it",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
-- file: 0002_drop_orders_user_id_idx.sql
-- migrate:up
DROP INDEX orders_user_id_idx; -- expect: drop-index-non-concurrently
-- migrate:down
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
-- file: 0002_drop_orders_user_id_idx.sql
-- migrate:up
-- migrate:no-transaction
DROP INDEX CONCURRENTLY orders_user_id_idx;
-- migrate:down
-- migrate:no-transaction
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Statement::Drop {
        object_type: ObjectType::Index,
        names,
        cascade,
        ..
    }) = stmt.ast()
    else {
        return;
    };
    for name in names {
        let index = object(name);
        let known = ctx.schema.index(&index);
        // Created by this migration, or on a table it created: nobody uses it.
        if known.is_some_and(|i| i.created_in == ctx.migration || ctx.is_new_table(&i.table)) {
            continue;
        }
        let on = known.map_or("its table".to_string(), |i| format!("`{}`", i.table));
        let f = out.report(
            format!("DROP INDEX `{index}` without CONCURRENTLY locks {on} against reads and writes"),
            format!("ACCESS EXCLUSIVE on {on}: every query waits, and so does every query queued behind the drop"),
        );
        f.span = name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .and_then(|i| ident_span(ctx, stmt, i));
        if known.is_none() {
            f.notes.push(format!(
                "no migration created `{index}`: it is assumed to exist on a table in use"
            ));
        }
        if let Some(i) = known
            && let Some(t) = ctx.schema.table(&i.table)
            && let Some(name) = t
                .constraints
                .iter()
                .filter_map(|c| backing_index(c, &i.table))
                .find(|n| *n == index)
        {
            f.notes.push(format!("`{index}` backs constraint `{name}`: DROP INDEX fails on it, with or without CONCURRENTLY"));
            f.help = Some(format!(
                "drop the constraint instead: `ALTER TABLE {} DROP CONSTRAINT {name}`",
                i.table
            ));
        }
        if *cascade {
            f.notes.push(
                "DROP INDEX CONCURRENTLY does not accept CASCADE: drop the dependent objects first"
                    .into(),
            );
        }
        if names.len() > 1 {
            f.notes.push("DROP INDEX CONCURRENTLY drops one index per statement: write one statement per index".into());
        }
    }
}

/// The name of the index a PRIMARY KEY or UNIQUE constraint builds: its
/// own, or the one PostgreSQL gives it (`t_pkey`, `t_a_b_key`).
fn backing_index(c: &Constraint, table: &str) -> Option<String> {
    let default = match &c.kind {
        ConstraintKind::PrimaryKey(_) => format!("{table}_pkey"),
        ConstraintKind::Unique(cols) => format!("{table}_{}_key", cols.join("_")),
        _ => return None,
    };
    Some(c.name.clone().unwrap_or(default))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, shown, two};

    const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX orders_user_id_idx ON orders (user_id);";
    const ID: &str = "drop-index-non-concurrently";

    #[test]
    fn index_of_an_earlier_migration_is_reported() {
        let r = two("15", ORDERS, "DROP INDEX orders_user_id_idx;", "SELECT 1;");
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(shown(&r).contains("`orders`"), "{}", shown(&r));
    }

    #[test]
    fn concurrently_is_not_reported() {
        let r = two(
            "15",
            ORDERS,
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS orders_user_id_idx;",
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn index_created_by_this_migration_is_exempt_in_up_and_down() {
        // The up creates and then replaces its own index; the down drops it.
        let r = two(
            "15",
            ORDERS,
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY orders_tmp_idx ON orders (id, user_id);\nDROP INDEX orders_tmp_idx;\nCREATE INDEX CONCURRENTLY orders_id_user_idx ON orders (id, user_id);",
            "DROP INDEX orders_id_user_idx;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn index_on_a_table_created_by_this_migration_is_exempt() {
        let r = two(
            "15",
            "SELECT 1;",
            "CREATE TABLE t (id bigint, a int);\nCREATE INDEX t_a_idx ON t (a);\nDROP INDEX t_a_idx;",
            "DROP TABLE t;",
        );
        assert!(lines(&r, ID).is_empty(), "{}", shown(&r));
    }

    #[test]
    fn unknown_index_is_reported_with_a_note() {
        let r = two(
            "15",
            "SELECT 1;",
            "DROP INDEX IF EXISTS legacy_idx;",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(shown(&r).contains("no migration created"), "{}", shown(&r));
    }

    #[test]
    fn each_existing_index_of_a_list_is_reported_and_cascade_noted() {
        let r = two(
            "15",
            &format!("{ORDERS}\nCREATE INDEX orders_id_idx ON orders (id);"),
            "DROP INDEX orders_user_id_idx, orders_id_idx CASCADE;",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2, 2], "{}", shown(&r));
        assert!(shown(&r).contains("CASCADE"), "{}", shown(&r));
        assert!(
            shown(&r).contains("one index per statement"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn constraint_backed_index_points_at_drop_constraint() {
        let r = two(
            "15",
            "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
            "DROP INDEX users_email_key;",
            "SELECT 1;",
        );
        assert_eq!(lines(&r, ID), vec![2], "{}", shown(&r));
        assert!(
            shown(&r).contains("ALTER TABLE users DROP CONSTRAINT users_email_key"),
            "{}",
            shown(&r)
        );
        // Unnamed: the index bears the name PostgreSQL gives it.
        let r = two(
            "15",
            "CREATE TABLE t (id bigint PRIMARY KEY, a int);\nALTER TABLE t ADD UNIQUE (a);",
            "DROP INDEX t_a_key;",
            "SELECT 1;",
        );
        assert!(
            shown(&r).contains("ALTER TABLE t DROP CONSTRAINT t_a_key"),
            "{}",
            shown(&r)
        );
    }
}
