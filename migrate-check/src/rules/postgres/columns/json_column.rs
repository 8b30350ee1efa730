//! `json-column`: a column typed `json` instead of `jsonb`.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ArrayElemTypeDef, DataType, Ident, Statement,
};

use crate::config::Level;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::support::ident_span;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "json-column",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a column typed `json` instead of `jsonb`",
    explanation: "The `json` type keeps the text as written and has no equality operator: `SELECT DISTINCT`, `GROUP BY`, `UNION` and `=` fail on it (\"could not identify an equality operator for type json\"), it cannot have a GIN index, and every access parses the text again. `jsonb` stores the parsed value, supports equality, containment (`@>`) and GIN indexes. `json` is only right when the exact text (key order, duplicate keys, whitespace) must be kept. A down section that restores a `json` column is not reported.",
    lock: "",
    safe_alternative: "declare the column `jsonb`",
    equivalents: "eugene: E3 · strong_migrations: add_column_json",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_webhooks.sql
-- migrate:up
CREATE TABLE webhooks (
  id bigint PRIMARY KEY,
  payload json NOT NULL -- expect: json-column
);
-- migrate:down
DROP TABLE webhooks;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_webhooks.sql
-- migrate:up
CREATE TABLE webhooks (
  id bigint PRIMARY KEY,
  payload jsonb NOT NULL
);
-- migrate:down
DROP TABLE webhooks;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section == SectionKind::Down {
        return; // restoring what the up changed
    }
    let mut columns: Vec<(&Ident, &DataType, String)> = Vec::new();
    match stmt.ast() {
        Some(Statement::CreateTable(ct)) => {
            let table = object(&ct.name);
            columns.extend(
                ct.columns
                    .iter()
                    .map(|c| (&c.name, &c.data_type, table.clone())),
            );
        }
        Some(Statement::AlterTable(at)) => {
            let table = object(&at.name);
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        columns.push((&column_def.name, &column_def.data_type, table.clone()))
                    }
                    AlterTableOperation::AlterColumn {
                        column_name,
                        op: AlterColumnOperation::SetDataType { data_type, .. },
                    } => columns.push((column_name, data_type, table.clone())),
                    _ => {}
                }
            }
        }
        _ => return,
    }
    for (name, data_type, table) in columns {
        if !is_json(data_type) {
            continue;
        }
        let column = ident(name);
        out.report(
            format!(
                "column `{table}.{column}` is typed `{}`; use `jsonb`",
                data_type.to_string().to_lowercase()
            ),
            "no equality operator: DISTINCT, GROUP BY, UNION and `=` fail on it",
        )
        .span = ident_span(ctx, stmt, name);
    }
}

fn is_json(t: &DataType) -> bool {
    match t {
        DataType::JSON => true,
        DataType::Array(
            ArrayElemTypeDef::AngleBracket(inner)
            | ArrayElemTypeDef::SquareBracket(inner, _)
            | ArrayElemTypeDef::Parenthesis(inner),
        ) => is_json(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{hits, run, shown};
    use crate::Severity;

    #[test]
    fn json_in_create_add_and_set_type_is_a_warning() {
        let r = run(
            "15",
            "-- file: 0001_a.sql\n-- migrate:up\nCREATE TABLE t (id bigint, a json, b jsonb, c json[]);\nALTER TABLE t ADD COLUMN d json;\nALTER TABLE t ALTER COLUMN b TYPE json;\n-- migrate:down\nDROP TABLE t;\n",
        );
        let h = hits(&r, "json-column");
        assert_eq!(h.len(), 4, "{}", shown(&r));
        assert!(h.iter().all(|(_, _, s)| *s == Severity::Warning));
        assert_eq!(
            h.iter().map(|(_, l, _)| *l).collect::<Vec<_>>(),
            [2, 2, 3, 4]
        );
    }

    #[test]
    fn jsonb_and_down_sections_are_fine() {
        let r = run(
            "15",
            "-- file: 0001_a.sql\n-- migrate:up\nCREATE TABLE t (id bigint, a jsonb);\n-- migrate:down\nDROP TABLE t;\n-- file: 0002_b.sql\n-- migrate:up\nALTER TABLE t ADD COLUMN b jsonb;\n-- migrate:down\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t ADD COLUMN old json;\n",
        );
        assert!(hits(&r, "json-column").is_empty(), "{}", shown(&r));
    }
}
