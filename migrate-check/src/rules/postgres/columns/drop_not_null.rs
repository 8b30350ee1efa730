//! `drop-not-null`: `ALTER COLUMN … DROP NOT NULL` lets NULLs reach code that never expected them.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

use crate::config::{Dialect, Level};
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::support::{alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "drop-not-null",
    dialects: &[PG, MY],
    default_level: Level::Warn,
    versions: &[],
    summary: "dropping NOT NULL lets NULLs reach code written for a column that never held one",
    explanation: "Everything that reads the column — the application, reports, PL/pgSQL functions, other services — was written for a value that is always there. Once NULLs can be written they surface there as crashes (an unwrapped `Option`, a null pointer) or as wrong results (`NOT IN` with a NULL matches nothing, aggregates skip rows). The statement itself only changes the catalog (brief ACCESS EXCLUSIVE lock). A warning: check the readers first. Not reported: a table created by this same migration, a column already nullable, and a down section, which restores the nullability its up removed. On MySQL, `MODIFY c type` without NOT NULL makes a NOT NULL column nullable (a MODIFY restates the whole column), and rebuilds the table in place.",
    lock: "",
    safe_alternative: "make sure every reader handles NULL before dropping the constraint; or keep NOT NULL and store a sentinel value with a DEFAULT",
    equivalents: "squawk: ban-drop-not-null",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, nickname text NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_nickname_optional.sql
-- migrate:up
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL; -- expect: drop-not-null
-- migrate:irreversible: rows written with a NULL nickname could not be made NOT NULL again
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_status_optional.sql
-- migrate:up
ALTER TABLE orders MODIFY status varchar(20) NULL; -- expect: drop-not-null
-- migrate:down
ALTER TABLE orders MODIFY status varchar(20) NOT NULL;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_users.sql
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, nickname text NOT NULL);
-- migrate:down
DROP TABLE users;
-- file: 0002_users_nickname_optional.sql
-- migrate:up
-- keep NOT NULL; new rows without a nickname get the empty string
ALTER TABLE users ALTER COLUMN nickname SET DEFAULT '';
-- migrate:down
ALTER TABLE users ALTER COLUMN nickname DROP DEFAULT;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_status_comment.sql
-- migrate:up
ALTER TABLE orders MODIFY status varchar(20) NOT NULL COMMENT 'new, paid or shipped';
-- migrate:down
ALTER TABLE orders MODIFY status varchar(20) NOT NULL;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section == SectionKind::Down {
        return; // restoring the nullability the up removed
    }
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    let model = ctx.schema.table(&table);
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    for op in &at.operations {
        let AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::DropNotNull,
        } = op
        else {
            continue;
        };
        let column = ident(column_name);
        if model
            .and_then(|t| t.column(&column))
            .is_some_and(|c| c.nullable)
        {
            continue; // already nullable: nothing changes
        }
        out.report(
            format!("dropping NOT NULL on `{table}.{column}` lets NULLs reach code that never expected them"),
            "readers written for a value that is always there",
        )
        .span = ident_span(ctx, stmt, column_name);
    }
}

/// MySQL: `MODIFY`/`CHANGE` that leaves NOT NULL out (the online-DDL model
/// compares with the column's nullability).
fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    crate::rules::mysql::support::report_actions(ctx, stmt, out, |table, a| {
        (a.cost.change == crate::mysql_ddl::Change::DropNotNull).then(|| {
            (
                format!("this MODIFY makes a NOT NULL column of `{table}` nullable: NULLs can reach code that never expected them"),
                "a MODIFY restates the whole column: without NOT NULL it becomes nullable".into(),
            )
        })
    });
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, hits, shown, two};
    use crate::Severity;

    const T: &str = "CREATE TABLE users (id bigint PRIMARY KEY, nick text NOT NULL, bio text);";

    #[test]
    fn warns_on_existing_not_null_column() {
        let r = two(
            "15",
            T,
            "ALTER TABLE users ALTER COLUMN nick DROP NOT NULL;",
        );
        let h = hits(&r, "drop-not-null");
        assert_eq!(h.len(), 1, "{}", shown(&r));
        assert_eq!(h[0].2, Severity::Warning);
        assert!(!r.has_errors(), "{}", shown(&r));
    }

    #[test]
    fn nullable_column_new_table_are_exempt() {
        for up in [
            "ALTER TABLE users ALTER COLUMN bio DROP NOT NULL;",
            "CREATE TABLE t (a int NOT NULL);\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;",
        ] {
            assert!(!fires(&two("15", T, up), "drop-not-null"), "{up}");
        }
    }
}
