//! `rename-table`: renaming a table that running code still uses by its old name.

use sqlparser::ast::{AlterTableOperation, RenameTableNameKind, Statement};

use crate::config::{Dialect, Level};
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::support::alter_table;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "rename-table",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "renaming a table breaks the code still using the old name",
    explanation: "Code still running sends its queries to the old name: they fail with \"relation does not exist\" from the moment the rename commits until every instance runs new code, and during a rolling deploy old and new code never agree on the name. The ACCESS EXCLUSIVE lock itself is brief. Not reported: a table created by this same migration, a rename followed in the same section by `CREATE VIEW <old name>` (a simple view is updatable, so old code keeps reading and writing through it), and a down section, which renames back what its up renamed. On MySQL, `RENAME TABLE a TO b` is the same break; the shadow-table swap `RENAME TABLE t TO t_old, t_new TO t` (what gh-ost and pt-online-schema-change do) keeps the name and is not reported. SQLite views are read-only, so a view does not keep old code writing there; renaming a table away and creating it again in the same section is a table rebuild (see `sqlite-rebuild-procedure`), not a rename.",
    lock: "",
    safe_alternative: "keep the old name working: `ALTER TABLE old RENAME TO new; CREATE VIEW old AS SELECT * FROM new;` in the same migration, deploy code that uses the new name, then drop the view in a later migration; or create the new table, write to both, backfill, switch reads, and drop the old one",
    equivalents: "squawk: renaming-table · strong_migrations: rename_table · Atlas: BC101 · django-pg-zero-downtime: ALTER_TABLE_RENAME",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_clients.sql
-- migrate:up
CREATE TABLE clients (id bigint PRIMARY KEY, name text NOT NULL);
-- migrate:down
DROP TABLE clients;
-- file: 0002_rename_clients.sql
-- migrate:up
ALTER TABLE clients RENAME TO customers; -- expect: rename-table
-- migrate:down
ALTER TABLE customers RENAME TO clients;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_clients.sql
-- migrate:up
CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT);
-- migrate:down
DROP TABLE clients;
-- file: 0002_rename_clients.sql
-- migrate:up
ALTER TABLE clients RENAME TO customers; -- expect: rename-table
-- migrate:down
ALTER TABLE customers RENAME TO clients;
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_rename_orders.sql
-- migrate:up
RENAME TABLE orders TO purchases; -- expect: rename-table
-- migrate:down
RENAME TABLE purchases TO orders;
",
    },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_clients.sql
-- migrate:up
CREATE TABLE clients (id bigint PRIMARY KEY, name text NOT NULL);
-- migrate:down
DROP TABLE clients;
-- file: 0002_rename_clients.sql
-- migrate:up
ALTER TABLE clients RENAME TO customers;
-- old code keeps reading and writing through the updatable view
CREATE VIEW clients AS SELECT * FROM customers;
-- migrate:down
DROP VIEW clients;
ALTER TABLE customers RENAME TO clients;
-- file: 0003_drop_clients_view.sql
-- migrate:up
-- deployed after no code uses `clients` any more
DROP VIEW clients;
-- migrate:down
CREATE VIEW clients AS SELECT * FROM customers;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_clients.sql
-- migrate:up
CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT);
-- migrate:down
DROP TABLE clients;
-- file: 0002_clients_name_not_null.sql
-- migrate:up
-- the table rebuild: the new table takes the old name, code keeps finding `clients`
CREATE TABLE new_clients (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
INSERT INTO new_clients (id, name) SELECT id, coalesce(name, '') FROM clients;
DROP TABLE clients;
ALTER TABLE new_clients RENAME TO clients;
-- migrate:down
CREATE TABLE old_clients (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO old_clients (id, name) SELECT id, name FROM clients;
DROP TABLE clients;
ALTER TABLE old_clients RENAME TO clients;
",
        },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_swap_orders.sql
-- migrate:up
CREATE TABLE orders_new LIKE orders;
-- migrate:down
DROP TABLE orders_new;
-- file: 0003_swap_orders.sql
-- migrate:up
RENAME TABLE orders TO orders_old, orders_new TO orders;
-- migrate:down
RENAME TABLE orders TO orders_new, orders_old TO orders;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section == SectionKind::Down {
        return; // renaming back what the up renamed
    }
    if let Some(Statement::RenameTable(renames)) = stmt.ast() {
        return rename_statement(ctx, renames, out);
    }
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::RenameTable { table_name } = op else {
            continue;
        };
        let new = match table_name {
            RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => object(n),
        };
        if ctx.dialect == Dialect::Sqlite {
            if recreated(ctx, &table) {
                continue;
            }
        } else if shimmed(ctx, &table) {
            continue;
        }
        out.report(
            format!(
                "renaming existing table `{table}` to `{new}` breaks code still using `{table}`"
            ),
            format!("queries to `{table}` fail until every instance runs new code"),
        );
    }
}

/// MySQL `RENAME TABLE a TO b[, c TO d]`: each rename of an existing table
/// whose old name no other rename of the statement takes over (a swap keeps
/// the name in use).
fn rename_statement(ctx: &Ctx<'_>, renames: &[sqlparser::ast::RenameTable], out: &mut Findings) {
    let targets: Vec<String> = renames.iter().map(|r| object(&r.new_name)).collect();
    let sources: Vec<String> = renames.iter().map(|r| object(&r.old_name)).collect();
    for r in renames {
        let (table, new) = (object(&r.old_name), object(&r.new_name));
        // A swap: the live name is taken over, the shadow takes a live name.
        let swap = targets.contains(&table) || sources.contains(&new);
        if ctx.is_new_table(&table) || swap || shimmed(ctx, &table) {
            continue;
        }
        out.report(
            format!(
                "renaming existing table `{table}` to `{new}` breaks code still using `{table}`"
            ),
            format!("queries to `{table}` fail until every instance runs new code"),
        );
    }
}

/// SQLite: whether a later statement of the section creates a table under
/// the old name (the "rename the old table away" rebuild; its own hazards
/// are `sqlite-rebuild-procedure`'s). A view does not keep old code working
/// there: SQLite views are read-only.
fn recreated(ctx: &Ctx<'_>, old: &str) -> bool {
    ctx.statements[ctx.position + 1..]
        .iter()
        .any(|s| matches!(s.ast(), Some(Statement::CreateTable(ct)) if object(&ct.name) == old))
}

/// Whether a later statement of the section creates a view under the old name.
fn shimmed(ctx: &Ctx<'_>, old: &str) -> bool {
    ctx.statements[ctx.position + 1..].iter().any(|s| {
        matches!(s.ast(), Some(Statement::CreateView(v)) if !v.materialized && object(&v.name) == old)
    })
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, shown, two};

    const T: &str = "CREATE TABLE clients (id bigint PRIMARY KEY);";

    #[test]
    fn rename_of_existing_table() {
        let r = two("15", T, "ALTER TABLE clients RENAME TO customers;");
        assert!(fires(&r, "rename-table"), "{}", shown(&r));
        assert!(shown(&r).contains("`clients` to `customers`"));
    }

    #[test]
    fn view_shim_new_table_are_exempt() {
        for up in [
            "ALTER TABLE clients RENAME TO customers;\nCREATE VIEW clients AS SELECT * FROM customers;",
            "CREATE TABLE tmp (id int);\nALTER TABLE tmp RENAME TO tmp2;",
        ] {
            let r = two("15", T, up);
            assert!(!fires(&r, "rename-table"), "{up}\n{}", shown(&r));
        }
    }

    #[test]
    fn materialized_or_unrelated_view_is_no_shim() {
        for up in [
            "ALTER TABLE clients RENAME TO customers;\nCREATE MATERIALIZED VIEW clients AS SELECT * FROM customers;",
            "ALTER TABLE clients RENAME TO customers;\nCREATE VIEW other AS SELECT * FROM customers;",
            "CREATE VIEW clients_v AS SELECT 1;\nALTER TABLE clients RENAME TO customers;",
        ] {
            let r = two("15", T, up);
            assert!(fires(&r, "rename-table"), "{up}");
        }
    }
}
