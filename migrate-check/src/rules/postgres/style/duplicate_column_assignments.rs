//! `duplicate-column-assignments`: a column defined or assigned twice in one statement.

use sqlparser::ast::{
    AlterTableOperation, Assignment, AssignmentTarget, Ident, ObjectName, OnConflictAction,
    OnInsert, Statement, TableFactor, TableObject,
};

use crate::config::Level;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, LT, MY, PG, Rule};
use crate::statement::Stmt;

use super::identifier_too_long::truncated;
use super::introduced::span_of;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "duplicate-column-assignments",
    dialects: &[PG, MY, LT],
    default_level: Level::Warn,
    versions: &[],
    summary: "a column defined or assigned twice in one statement",
    explanation: "PostgreSQL rejects a CREATE TABLE or view column list that names a column twice (\"column specified more than once\"), an ALTER TABLE that adds the same column twice, and an UPDATE, INSERT column list or ON CONFLICT DO UPDATE that assigns a column twice (\"multiple assignments to same column\"): the migration fails at deploy, usually because of a copy-paste where one of the two was meant to be another column. Names compare the way the server resolves them: unquoted names fold to lower case and only the first 63 bytes count. Assigning different fields of one composite column (`SET pos.x = 1, pos.y = 2`) is allowed and not reported. Checked in up and down sections alike: a down that fails is a rollback that does not happen. SQLite rejects a duplicate column in CREATE TABLE (\"duplicate column name\") but silently keeps the last of two assignments in UPDATE and INSERT. MySQL and MariaDB reject the same duplicates in CREATE TABLE, ALTER TABLE and INSERT column lists (\"Duplicate column name\"), but accept `UPDATE … SET a = 1, a = 2` (assignments apply left to right), so there the UPDATE case is not reported.",
    lock: "",
    safe_alternative: "remove the duplicate, or name the column that was meant",
    equivalents: "squawk: ban-duplicate-column-assignments",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_prices.sql
-- migrate:up
CREATE TABLE prices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amount bigint NOT NULL,
    currency text NOT NULL,
    updated_at timestamptz
);
-- migrate:down
DROP TABLE prices;
-- file: 0002_fill_prices_currency.sql
-- migrate:up
UPDATE prices
SET currency = 'EUR',
    currency = now(); -- expect: duplicate-column-assignments
-- migrate:irreversible: the previous currencies are not kept
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_prices.sql
-- migrate:up
CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL, updated_at TEXT);
-- migrate:down
DROP TABLE prices;
-- file: 0002_fill_prices_currency.sql
-- migrate:up
-- migrate:no-transaction
UPDATE prices
SET currency = 'EUR',
    currency = CURRENT_TIMESTAMP; -- expect: duplicate-column-assignments
-- migrate:irreversible: the previous currencies are not kept
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
ALTER TABLE orders ADD COLUMN shipped_at datetime NULL, ADD COLUMN shipped_at datetime NULL; -- expect: duplicate-column-assignments
-- migrate:down
ALTER TABLE orders DROP COLUMN shipped_at;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_prices.sql
-- migrate:up
CREATE TABLE prices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amount bigint NOT NULL,
    currency text NOT NULL,
    updated_at timestamptz
);
-- migrate:down
DROP TABLE prices;
-- file: 0002_fill_prices_currency.sql
-- migrate:up
UPDATE prices
SET currency = 'EUR',
    updated_at = now();
-- migrate:irreversible: the previous currencies are not kept
",
    },
        Example {
            dialect: LT,
            text: "-- file: 0001_create_prices.sql
-- migrate:up
CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL, updated_at TEXT);
-- migrate:down
DROP TABLE prices;
-- file: 0002_fill_prices_currency.sql
-- migrate:up
-- migrate:no-transaction
UPDATE prices
SET currency = 'EUR',
    updated_at = CURRENT_TIMESTAMP;
-- migrate:irreversible: the previous currencies are not kept
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
ALTER TABLE orders ADD COLUMN shipped_at datetime NULL, ADD COLUMN delivered_at datetime NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN delivered_at, DROP COLUMN shipped_at;
",
    },
    ],
    check: Some(check),
};

/// One occurrence of a column name: the name as written, and whether only a
/// field of it is assigned (`pos.x`).
struct Occurrence<'a> {
    name: &'a Ident,
    partial: bool,
    /// `ADD COLUMN IF NOT EXISTS`: a repeat is skipped by the server.
    tolerated: bool,
}

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(ast) = stmt.ast() else { return };
    match ast {
        Statement::CreateTable(ct) => {
            let table = object(&ct.name);
            let cols = ct.columns.iter().map(|c| whole(&c.name)).collect();
            report(
                ctx,
                out,
                cols,
                || format!("CREATE TABLE `{table}`"),
                || "column \"{}\" specified more than once".to_string(),
            );
        }
        Statement::CreateView(v) => {
            let view = object(&v.name);
            let cols = v.columns.iter().map(|c| whole(&c.name)).collect();
            report(
                ctx,
                out,
                cols,
                || format!("the column list of view `{view}`"),
                || "column \"{}\" specified more than once".to_string(),
            );
        }
        Statement::AlterTable(at) => {
            let table = object(&at.name);
            let cols = at
                .operations
                .iter()
                .filter_map(|op| match op {
                    AlterTableOperation::AddColumn {
                        column_def,
                        if_not_exists,
                        ..
                    } => Some(Occurrence {
                        name: &column_def.name,
                        partial: false,
                        tolerated: *if_not_exists,
                    }),
                    _ => None,
                })
                .collect();
            report(
                ctx,
                out,
                cols,
                || format!("ALTER TABLE `{table}`"),
                || format!("column \"{{}}\" of relation \"{table}\" already exists"),
            );
        }
        // MySQL applies repeated UPDATE assignments left to right.
        Statement::Update(_) if ctx.dialect == crate::config::Dialect::MySql => {}
        Statement::Update(u) => {
            let table = match &u.table.relation {
                TableFactor::Table { name, .. } => object(name),
                _ => "?".into(),
            };
            report(
                ctx,
                out,
                assigned(&u.assignments),
                || format!("UPDATE of `{table}`"),
                || "multiple assignments to same column \"{}\"".to_string(),
            );
        }
        Statement::Insert(i) => {
            let table = match &i.table {
                TableObject::TableName(n) => object(n),
                _ => "?".into(),
            };
            let cols = i.columns.iter().filter_map(target).collect();
            report(
                ctx,
                out,
                cols,
                || format!("the column list of INSERT INTO `{table}`"),
                || "column \"{}\" specified more than once".to_string(),
            );
            if let Some(OnInsert::OnConflict(oc)) = &i.on
                && let OnConflictAction::DoUpdate(du) = &oc.action
            {
                report(
                    ctx,
                    out,
                    assigned(&du.assignments),
                    || format!("ON CONFLICT DO UPDATE of `{table}`"),
                    || "multiple assignments to same column \"{}\"".to_string(),
                );
            }
        }
        _ => {}
    }
}

fn whole(name: &Ident) -> Occurrence<'_> {
    Occurrence {
        name,
        partial: false,
        tolerated: false,
    }
}

/// A target column: its first part; more parts assign a field of it.
fn target(name: &ObjectName) -> Option<Occurrence<'_>> {
    Some(Occurrence {
        name: name.0.first()?.as_ident()?,
        partial: name.0.len() > 1,
        tolerated: false,
    })
}

fn assigned(assignments: &[Assignment]) -> Vec<Occurrence<'_>> {
    assignments
        .iter()
        .flat_map(|a| match &a.target {
            AssignmentTarget::ColumnName(n) => target(n).into_iter().collect::<Vec<_>>(),
            AssignmentTarget::Tuple(names) => names.iter().filter_map(target).collect(),
        })
        .collect()
}

/// The name as the server compares it.
fn key(i: &Ident) -> String {
    truncated(&ident(i)).to_string()
}

/// Reports every occurrence after the first of a name that occurs twice,
/// unless all its occurrences only assign fields of it.
fn report(
    ctx: &Ctx<'_>,
    out: &mut Findings,
    cols: Vec<Occurrence<'_>>,
    place: impl Fn() -> String,
    server: impl Fn() -> String,
) {
    // Keys once, and nothing more when no name repeats (the usual case).
    let keys: Vec<String> = cols.iter().map(|o| key(o.name)).collect();
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    if keys.iter().all(|k| seen.insert(k.as_str())) {
        return;
    }
    for (n, occ) in cols.iter().enumerate() {
        let key = &keys[n];
        let same = || {
            cols.iter()
                .zip(&keys)
                .filter(move |(_, k)| *k == key)
                .map(|(o, _)| o)
        };
        if same().all(|o| o.partial) || occ.tolerated {
            continue;
        }
        let Some(first) = cols[..n]
            .iter()
            .zip(&keys)
            .find(|(_, k)| *k == key)
            .map(|(o, _)| o)
        else {
            continue;
        };
        let f = out.report(
            format!("column `{key}` appears twice in {}", place()),
            format!(
                "PostgreSQL rejects the statement: {}",
                server().replace("{}", key)
            ),
        );
        f.span = span_of(ctx, occ.name);
        if ctx.dialect == crate::config::Dialect::Sqlite {
            let place = place();
            f.label = if place.starts_with("CREATE TABLE") || place.starts_with("ALTER TABLE") {
                format!("SQLite rejects the statement: duplicate column name: {key}")
            } else {
                "SQLite accepts it and keeps the last one: the other value is silently dropped"
                    .into()
            };
        }
        if ident(first.name) != ident(occ.name) {
            f.notes.push(format!(
                "`{}` and `{}` are the same name once cut to 63 bytes",
                first.name.value, occ.name.value
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "duplicate-column-assignments";

    fn lines(up: &str, down: &str) -> Vec<u32> {
        let m = migration(up, down);
        hits(&run(&[("1_t.sql", &m)], "15"), ID)
            .into_iter()
            .map(|h| h.1)
            .collect()
    }

    #[test]
    fn create_table_columns_compare_as_the_server_resolves_them() {
        assert_eq!(
            lines(
                "CREATE TABLE t (\n  a bigint,\n  A text\n);",
                "DROP TABLE t;"
            ),
            [4]
        );
        // A quoted upper-case name is another column.
        assert!(lines("CREATE TABLE t (a bigint, \"A\" text);", "DROP TABLE t;").is_empty());
        // Names equal in their first 63 bytes are the same column.
        let p = "c".repeat(63);
        assert_eq!(
            lines(
                &format!("CREATE TABLE t (\n  {p}x bigint,\n  {p}y bigint\n);"),
                "DROP TABLE t;"
            ),
            [4]
        );
    }

    #[test]
    fn update_assignments() {
        let t = "CREATE TABLE k (a bigint, b bigint, c bigint);";
        assert_eq!(
            lines(
                &format!("{t}\nUPDATE k SET a = 1, b = 2, a = 3;"),
                "SELECT 1;"
            ),
            [3]
        );
        assert_eq!(
            lines(
                &format!("{t}\nUPDATE k SET (a, b) = (1, 2),\n  a = 3;"),
                "SELECT 1;"
            ),
            [4]
        );
        assert!(
            lines(
                &format!("{t}\nUPDATE k SET a = 1, b = 2, c = 3;"),
                "SELECT 1;"
            )
            .is_empty()
        );
    }

    #[test]
    fn fields_of_one_composite_column_may_be_assigned_separately() {
        let t = "CREATE TABLE k (pos point_xy, b bigint);";
        assert!(
            lines(
                &format!("{t}\nUPDATE k SET pos.x = 1, pos.y = 2;"),
                "SELECT 1;"
            )
            .is_empty()
        );
        assert_eq!(
            lines(
                &format!("{t}\nUPDATE k SET pos = NULL, pos.x = 1;"),
                "SELECT 1;"
            ),
            [3]
        );
    }

    #[test]
    fn insert_columns_and_on_conflict_assignments() {
        let t = "CREATE TABLE k (a bigint PRIMARY KEY, b bigint);";
        assert_eq!(
            lines(
                &format!("{t}\nINSERT INTO k (a, a) VALUES (1, 2);"),
                "SELECT 1;"
            ),
            [3]
        );
        assert_eq!(
            lines(
                &format!(
                    "{t}\nINSERT INTO k (a, b) VALUES (1, 2)\n  ON CONFLICT (a) DO UPDATE SET b = 1, b = 2;"
                ),
                "SELECT 1;"
            ),
            [4]
        );
    }

    #[test]
    fn alter_table_adding_a_column_twice() {
        let t = "CREATE TABLE k (a bigint);";
        assert_eq!(
            lines(
                &format!("{t}\nALTER TABLE k ADD COLUMN b text, ADD COLUMN b bigint;"),
                "SELECT 1;"
            ),
            [3]
        );
        assert!(
            lines(&format!("{t}\nALTER TABLE k ADD COLUMN IF NOT EXISTS b text, ADD COLUMN IF NOT EXISTS b text;"), "SELECT 1;")
                .is_empty()
        );
    }

    #[test]
    fn the_label_quotes_the_server_error() {
        let m = migration(
            "CREATE TABLE k (a bigint);\nALTER TABLE k ADD COLUMN b text, ADD COLUMN B bigint;",
            "SELECT 1;",
        );
        let report = run(&[("1_t.sql", &m)], "15");
        let d = report.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        assert_eq!(d.message, "column `b` appears twice in ALTER TABLE `k`");
        assert_eq!(
            d.label,
            "PostgreSQL rejects the statement: column \"b\" of relation \"k\" already exists"
        );
        assert_eq!(&report.files[d.file].text[d.span.clone()], "B");
    }

    #[test]
    fn view_column_lists() {
        assert_eq!(
            lines("CREATE VIEW v (a, a) AS SELECT 1, 2;", "DROP VIEW v;"),
            [2]
        );
    }

    #[test]
    fn down_sections_are_checked_too() {
        assert_eq!(
            lines(
                "CREATE TABLE k (a bigint);",
                "UPDATE k SET a = 1, a = 2;\nDROP TABLE k;"
            ),
            [4]
        );
    }
}
