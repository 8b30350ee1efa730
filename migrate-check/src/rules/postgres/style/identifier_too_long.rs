//! `identifier-too-long`: a new name longer than PostgreSQL keeps (63 bytes).

use sqlparser::ast::{
    AlterIndexOperation, AlterTableOperation, ColumnDef, Ident, RenameTableNameKind, SchemaName,
    Statement, TableConstraint,
};

use crate::config::{Dialect, Level};
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::introduced::{last_ident, span_of};

/// PostgreSQL keeps `NAMEDATALEN - 1` bytes of an identifier.
pub(super) const MAX_BYTES: usize = 63;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "identifier-too-long",
    dialects: &[PG, MY],
    default_level: Level::Error,
    versions: &[],
    summary: "a new table, column, index or constraint name longer than the server keeps: PostgreSQL truncates past 63 bytes (a warning), MySQL rejects past 64 characters",
    explanation: "PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN − 1) and silently drops the rest, with only a NOTICE. The object then has a name nobody wrote: code and later migrations that spell the full name still work (they are truncated the same way), but tools, ORMs and error messages show the truncated one, and two long names that share their first 63 bytes collide (\"relation already exists\", \"column specified more than once\"). Bytes, not characters: a name with accents or other non-ASCII letters reaches the limit sooner, and the cut may fall inside a character. Judged on the names a migration introduces (CREATE TABLE, its columns and constraints, ADD COLUMN, ADD CONSTRAINT, CREATE INDEX, views, sequences, types, schemas, and RENAME … TO), not in down sections, which restore names that were judged when introduced. MySQL and MariaDB do not truncate: a name longer than 64 characters is rejected (error 1059, `Identifier name … is too long`), so the migration fails at deploy — an error there, a warning on PostgreSQL.",
    lock: "",
    safe_alternative: "shorten the name to at most 63 bytes (abbreviate, or drop the table name from index and constraint names)",
    equivalents: "squawk: identifier-too-long",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_invoices.sql
-- migrate:up
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL
);
CREATE INDEX invoices_customer_id_for_the_monthly_billing_and_dunning_report_lookup_idx ON invoices (customer_id); -- expect: identifier-too-long
-- migrate:down
DROP TABLE invoices;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_index.sql
-- migrate:up
CREATE INDEX index_orders_on_status_for_the_nightly_reconciliation_and_refund_report_job ON orders (status); -- expect: identifier-too-long
-- migrate:down
DROP INDEX index_orders_on_status_for_the_nightly_reconciliation_and_refund_report_job ON orders;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_invoices.sql
-- migrate:up
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL
);
CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);
-- migrate:down
DROP TABLE invoices;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_index.sql
-- migrate:up
CREATE INDEX orders_status_idx ON orders (status) ALGORITHM=INPLACE LOCK=NONE;
-- migrate:down
DROP INDEX orders_status_idx ON orders;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section == SectionKind::Down {
        return;
    }
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    for (name, kind) in introduced_names(stmt) {
        let len = name.value.len();
        if len <= MAX_BYTES {
            continue;
        }
        let f = out.report(
            format!("{kind} name `{}` is {len} bytes long", name.value),
            format!(
                "PostgreSQL silently truncates it to `{}`",
                truncated(&name.value)
            ),
        );
        f.span = span_of(ctx, name);
        // PostgreSQL truncates and goes on: a warning.
        f.warning_only = true;
    }
}

/// MySQL and MariaDB reject names longer than 64 characters (error 1059).
const MYSQL_MAX_CHARS: usize = 64;

fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    for (name, kind) in introduced_names(stmt) {
        let len = name.value.chars().count();
        if len <= MYSQL_MAX_CHARS {
            continue;
        }
        let f = out.report(
            format!("{kind} name `{}` is {len} characters long", name.value),
            format!("MySQL rejects names longer than {MYSQL_MAX_CHARS} characters: the migration fails at deploy"),
        );
        f.span = span_of(ctx, name);
        f.help = Some(format!(
            "shorten the name to at most {MYSQL_MAX_CHARS} characters"
        ));
    }
}

/// The name as PostgreSQL stores it: its first 63 bytes (this keeps whole
/// characters; the server may cut one in two).
pub(super) fn truncated(name: &str) -> &str {
    let mut end = name.len().min(MAX_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The names a statement gives to new objects (or new names of renamed
/// ones), with what they name.
fn introduced_names(stmt: &Stmt) -> Vec<(&Ident, &'static str)> {
    let mut names = Vec::new();
    let Some(ast) = stmt.ast() else {
        return names;
    };
    match ast {
        Statement::CreateTable(ct) => {
            names.extend(last_ident(&ct.name).map(|i| (i, "table")));
            for c in &ct.columns {
                column_names(&mut names, c);
            }
            for c in &ct.constraints {
                names.extend(constraint_name(c).map(|i| (i, "constraint")));
            }
        }
        Statement::AlterTable(at) => {
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        column_names(&mut names, column_def)
                    }
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        names.extend(constraint_name(constraint).map(|i| (i, "constraint")))
                    }
                    AlterTableOperation::RenameColumn {
                        new_column_name, ..
                    } => names.push((new_column_name, "column")),
                    AlterTableOperation::RenameConstraint { new_name, .. } => {
                        names.push((new_name, "constraint"))
                    }
                    AlterTableOperation::RenameTable { table_name } => {
                        let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
                        names.extend(last_ident(n).map(|i| (i, "table")));
                    }
                    _ => {}
                }
            }
        }
        Statement::CreateIndex(ci) => {
            names.extend(ci.name.as_ref().and_then(last_ident).map(|i| (i, "index")));
        }
        Statement::AlterIndex {
            operation: AlterIndexOperation::RenameIndex { index_name },
            ..
        } => names.extend(last_ident(index_name).map(|i| (i, "index"))),
        Statement::CreateView(v) => {
            names.extend(last_ident(&v.name).map(|i| (i, "view")));
            names.extend(v.columns.iter().map(|c| (&c.name, "column")));
        }
        Statement::CreateSequence { name, .. } => {
            names.extend(last_ident(name).map(|i| (i, "sequence")))
        }
        Statement::CreateType { name, .. } => names.extend(last_ident(name).map(|i| (i, "type"))),
        Statement::CreateSchema {
            schema_name: SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _),
            ..
        } => names.extend(last_ident(name).map(|i| (i, "schema"))),
        _ => {}
    }
    names
}

fn column_names<'a>(names: &mut Vec<(&'a Ident, &'static str)>, c: &'a ColumnDef) {
    names.push((&c.name, "column"));
    for o in &c.options {
        names.extend(o.name.as_ref().map(|i| (i, "constraint")));
    }
}

fn constraint_name(c: &TableConstraint) -> Option<&Ident> {
    match c {
        TableConstraint::Unique(u) => u.name.as_ref(),
        TableConstraint::PrimaryKey(p) => p.name.as_ref(),
        TableConstraint::ForeignKey(f) => f.name.as_ref(),
        TableConstraint::Check(c) => c.name.as_ref(),
        TableConstraint::Index(i) => i.name.as_ref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::truncated;
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "identifier-too-long";

    fn name(len: usize) -> String {
        format!("n{}", "x".repeat(len - 1))
    }

    #[test]
    fn sixty_three_bytes_pass_sixty_four_do_not() {
        let ok = migration(
            &format!("CREATE TABLE {} (id bigint);", name(63)),
            "SELECT 1;",
        );
        assert!(hits(&run(&[("1_t.sql", &ok)], "15"), ID).is_empty());
        let long = migration(
            &format!("CREATE TABLE {} (id bigint);", name(64)),
            "SELECT 1;",
        );
        assert_eq!(hits(&run(&[("1_t.sql", &long)], "15"), ID).len(), 1);
    }

    #[test]
    fn every_kind_of_new_name_is_checked() {
        let n = name(70);
        let up = format!(
            "CREATE TABLE t (\n  {n} bigint CONSTRAINT {n}_c CHECK (true),\n  CONSTRAINT {n}_u UNIQUE (id)\n);\nALTER TABLE t ADD COLUMN {n}_2 bigint, ADD CONSTRAINT {n}_k CHECK (true);\nALTER TABLE t RENAME COLUMN a TO {n}_3;\nALTER TABLE t RENAME CONSTRAINT a TO {n}_4;\nALTER TABLE t RENAME TO {n}_5;\nCREATE INDEX {n}_i ON t (id);\nALTER INDEX i RENAME TO {n}_6;\nCREATE VIEW {n}_v ({n}_7) AS SELECT 1;\nCREATE SEQUENCE {n}_s;\nCREATE TYPE {n}_e AS ENUM ('a');\nCREATE SCHEMA {n}_sch;"
        );
        let m = migration(&up, "SELECT 1;");
        let report = run(&[("1_t.sql", &m)], "15");
        let got: Vec<u32> = hits(&report, ID).into_iter().map(|h| h.1).collect();
        assert_eq!(
            got,
            [3, 3, 4, 6, 6, 7, 8, 9, 10, 11, 12, 12, 13, 14, 15],
            "{}",
            report.render(false)
        );
    }

    #[test]
    fn references_to_existing_names_and_down_sections_are_not_reported() {
        let n = name(70);
        let files = [
            (
                "1_t.sql",
                migration(
                    &format!("CREATE TABLE {n} (id bigint);"),
                    &format!("DROP TABLE {n};"),
                ),
            ),
            (
                "2_t.sql",
                migration(
                    &format!("ALTER TABLE {n} ADD COLUMN note text;"),
                    &format!("ALTER TABLE {n} DROP COLUMN note;"),
                ),
            ),
            (
                "3_t.sql",
                migration(
                    &format!("DROP TABLE {n};"),
                    &format!("CREATE TABLE {n} (id bigint);"),
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_eq!(hits(&run(&refs, "15"), ID), [("1_t.sql".into(), 2)]);
    }

    #[test]
    fn bytes_are_counted_not_characters() {
        // 32 two-byte letters: 64 bytes.
        let n = "é".repeat(32);
        let m = migration(&format!("CREATE TABLE \"{n}\" (id bigint);"), "SELECT 1;");
        let report = run(&[("1_t.sql", &m)], "15");
        let d = report.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        assert!(d.message.contains("64 bytes"), "{}", d.message);
        assert_eq!(truncated(&n), "é".repeat(31));
        assert_eq!(
            &report.files[d.file].text[d.span.clone()],
            format!("\"{n}\"")
        );
    }
}
