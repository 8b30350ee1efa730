//! `add-required-column`: `ADD COLUMN … NOT NULL` without a default on an existing table.

use sqlparser::ast::{AlterTableOperation, ColumnOption, Statement};

use crate::config::{Dialect, Level};
use crate::model::object;
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-required-column",
    dialects: &[PG, MY, LT],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a NOT NULL column without a default to an existing table",
    explanation: "Existing rows have no value for the new column. PostgreSQL and SQLite reject the statement as soon as the table has a row, so the migration passes on an empty development database and fails at deploy; MySQL and MariaDB silently fill the zero value of the type (0, '', '0000-00-00'), even in strict mode. Either way, INSERTs from the running application, which does not know the column yet, start failing.",
    lock: "",
    safe_alternative: "add the column nullable (or `NOT NULL DEFAULT <constant>`, metadata-only on PostgreSQL ≥ 11 and MySQL ≥ 8.0.12), backfill it in batches, then set NOT NULL in a later migration (PostgreSQL: through a validated `CHECK (c IS NOT NULL)`)",
    equivalents: "squawk: adding-required-field · Atlas: MF103, MY101 · django-pg-zero-downtime: ADD_COLUMN_NOT_NULL",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_email.sql
-- migrate:up
ALTER TABLE users ADD COLUMN email text NOT NULL; -- expect: add-required-column
-- migrate:down
ALTER TABLE users DROP COLUMN email;
",
        },
        Example {
            dialect: MY,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_email.sql
-- migrate:up
ALTER TABLE users ADD COLUMN email varchar(255) NOT NULL; -- expect: add-required-column
-- migrate:down
ALTER TABLE users DROP COLUMN email;
",
        },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_email.sql
-- migrate:up
ALTER TABLE users ADD COLUMN email TEXT NOT NULL; -- expect: add-required-column
-- migrate:down
ALTER TABLE users DROP COLUMN email;
",
        },
    ],
    good: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE users;
-- file: 0002_add_users_columns.sql
-- migrate:up
ALTER TABLE users ADD COLUMN email text;
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
-- migrate:down
ALTER TABLE users DROP COLUMN active;
ALTER TABLE users DROP COLUMN email;
",
        },
        Example {
            dialect: LT,
            text: "-- file: migrate.toml
sqlite_version = \"3.37\"
-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY);
ALTER TABLE users ADD COLUMN email TEXT NOT NULL;
-- migrate:down
DROP TABLE users;
",
        },
        Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_currency.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';
-- migrate:down
ALTER TABLE orders DROP COLUMN currency;
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
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            continue;
        };
        let options = || column_def.options.iter().map(|o| &o.option);
        let not_null =
            options().any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
        // A default, a generated value or an identity fills existing rows.
        let filled = options().any(|o| {
            matches!(o, ColumnOption::Default(_) | ColumnOption::Generated { .. } | ColumnOption::Identity(_))
        }) || is_serial(&column_def.data_type.to_string())
            || (ctx.dialect == Dialect::MySql
                && options().any(|o| matches!(o, ColumnOption::DialectSpecific(t) if t.iter().any(|t| t.to_string().eq_ignore_ascii_case("AUTO_INCREMENT")))));
        if !not_null || filled {
            continue;
        }
        let column = &column_def.name;
        let consequence = match ctx.dialect {
            Dialect::MySql => {
                "MySQL and MariaDB silently fill existing rows with the type's zero value (0, '', '0000-00-00'), strict mode or not"
            }
            _ => "fails as soon as the table has a row",
        };
        let f = out.report(
            format!(
                "adding NOT NULL column `{column}` without a default to existing table `{table}`"
            ),
            consequence,
        );
        if ctx.dialect == Dialect::Sqlite {
            f.help = Some(SQLITE_HELP.into());
        }
    }
}

/// SQLite cannot set NOT NULL later (before 3.53): a constant default, or a rebuild.
const SQLITE_HELP: &str = "add it `NOT NULL DEFAULT <constant>` (SQLite fills the existing rows with the constant), or add it nullable and backfill; to make an existing column NOT NULL, rebuild the table (sqlite.org/lang_altertable.html): `CREATE TABLE new_t (…, c T NOT NULL)`, `INSERT INTO new_t SELECT … FROM t`, `DROP TABLE t`, `ALTER TABLE new_t RENAME TO t`";

fn is_serial(data_type: &str) -> bool {
    matches!(
        data_type.to_ascii_uppercase().as_str(),
        "SERIAL" | "BIGSERIAL" | "SMALLSERIAL" | "SERIAL4" | "SERIAL8" | "SERIAL2"
    )
}
