//! `add-auto-increment-column`: `ADD COLUMN` of a `serial` type or an identity rewrites an existing table.

use sqlparser::ast::{AlterTableOperation, ColumnOption, DataType, GeneratedAs};

use crate::config::Level;
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

use super::support::{alter_table, ident_span};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "add-auto-increment-column",
    dialects: &[PG, MY],
    default_level: Level::Error,
    versions: &[],
    summary: "adding a `serial` or identity column rewrites the whole table",
    explanation: "ADD COLUMN … serial (bigserial, smallserial) creates a sequence and a `nextval()` default, and ADD COLUMN … GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY draws from a sequence too: every existing row needs a value of its own, so PostgreSQL rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock, and every read and every write waits for a time that grows with the table. This holds on every PostgreSQL version: the fast default of PostgreSQL 11 is only for non-volatile defaults. A table created by this same migration is exempt. On MySQL and MariaDB, ADD COLUMN … AUTO_INCREMENT rebuilds the table without concurrent writes (LOCK=SHARED at best), and with statement-based replication the values a replica assigns can differ from the primary's.",
    lock: "ACCESS EXCLUSIVE on the table for the whole rewrite: blocks every read and every write",
    safe_alternative: "add a nullable `bigint` column, `CREATE SEQUENCE` and `ALTER COLUMN … SET DEFAULT nextval('…')` as a separate statement (new rows only), backfill the existing rows in batches in a later migration marked `-- migrate:no-transaction`, then add NOT NULL through a validated `CHECK (c IS NOT NULL)`; or create a new table with the column, copy the rows, and swap",
    equivalents: "eugene: E11 · strong_migrations: add_column_auto_incrementing · Atlas: MY141 (MySQL)",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (uuid uuid PRIMARY KEY, payload jsonb NOT NULL);
-- migrate:down
DROP TABLE events;
-- file: 0002_add_events_seq.sql
-- migrate:up
ALTER TABLE events ADD COLUMN seq bigserial; -- expect: add-auto-increment-column
-- migrate:down
ALTER TABLE events DROP COLUMN seq;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (uuid char(36) NOT NULL, payload text, PRIMARY KEY (uuid)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE events;
-- file: 0002_events_seq.sql
-- migrate:up
ALTER TABLE events ADD COLUMN seq bigint NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY events_seq_key (seq); -- expect: add-auto-increment-column
-- migrate:down
ALTER TABLE events DROP COLUMN seq;
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (uuid uuid PRIMARY KEY, payload jsonb NOT NULL);
-- a new table: numbering no rows costs nothing
ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
-- migrate:down
DROP TABLE events;
-- file: 0002_add_events_seq.sql
-- migrate:up
CREATE SEQUENCE events_seq_seq;
ALTER TABLE events ADD COLUMN seq bigint;
-- a separate statement: the default numbers new rows only
ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('events_seq_seq');
-- migrate:down
ALTER TABLE events DROP COLUMN seq;
DROP SEQUENCE events_seq_seq;
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (seq bigint NOT NULL AUTO_INCREMENT, uuid char(36) NOT NULL, payload text, PRIMARY KEY (seq), UNIQUE KEY events_uuid_key (uuid)) ENGINE=InnoDB;
-- migrate:down
DROP TABLE events;
",
    },
    ],
    check: Some(check),
};

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
        let how = if let Some(serial) = serial_type(&column_def.data_type) {
            format!("`{serial}`")
        } else if ctx.dialect == crate::config::Dialect::MySql
            && column_def
                .options
                .iter()
                .any(|o| crate::mysql_ddl::is_auto_increment(&o.option))
        {
            let column = ident(&column_def.name);
            let f = out.report(
                format!("adding AUTO_INCREMENT column `{column}` to existing table `{table}` rebuilds it while writes wait"),
                "every existing row gets a value in a rebuild without concurrent DML",
            );
            f.span = ident_span(ctx, stmt, &column_def.name);
            f.lock = Some("ALGORITHM=INPLACE with a rebuild and LOCK=SHARED: writes wait for the whole rebuild".into());
            f.help = Some("create a new table with the AUTO_INCREMENT column, copy the rows in batches and swap it in with `RENAME TABLE t TO t_old, t_new TO t` (what gh-ost and pt-online-schema-change automate)".into());
            continue;
        } else if column_def.options.iter().any(|o| {
            matches!(
                o.option,
                ColumnOption::Generated {
                    generated_as: GeneratedAs::Always | GeneratedAs::ByDefault,
                    generation_expr: None,
                    ..
                }
            )
        }) {
            "identity".to_string()
        } else {
            continue;
        };
        let column = ident(&column_def.name);
        out.report(
            format!(
                "adding {how} column `{column}` to existing table `{table}` rewrites the table"
            ),
            format!(
                "a sequence value is written into every existing row while `{table}` is locked"
            ),
        )
        .span = ident_span(ctx, stmt, &column_def.name);
    }
}

/// The `serial` pseudo-type a column is declared with, lower case.
fn serial_type(t: &DataType) -> Option<String> {
    let DataType::Custom(name, modifiers) = t else {
        return None;
    };
    let last = name.0.last()?.as_ident()?;
    let n = ident(last);
    (modifiers.is_empty()
        && name.0.len() == 1
        && matches!(
            n.as_str(),
            "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8"
        ))
    .then_some(n)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{fires, shown, two};

    const EVENTS: &str = "CREATE TABLE events (uuid uuid PRIMARY KEY);";

    fn flags(up: &str) -> bool {
        let r = two("15", EVENTS, up);
        fires(&r, "add-auto-increment-column")
    }

    #[test]
    fn serial_types_and_identities_rewrite() {
        for t in [
            "serial",
            "BIGSERIAL",
            "smallserial",
            "serial8",
            "bigint GENERATED ALWAYS AS IDENTITY",
            "int GENERATED BY DEFAULT AS IDENTITY (START WITH 10)",
        ] {
            assert!(
                flags(&format!("ALTER TABLE events ADD COLUMN n {t};")),
                "{t}"
            );
        }
    }

    #[test]
    fn plain_columns_and_new_tables_are_fine() {
        assert!(!flags("ALTER TABLE events ADD COLUMN n bigint;"));
        assert!(!flags(
            "CREATE TABLE logs (id bigint);\nALTER TABLE logs ADD COLUMN n bigserial;"
        ));
        // A quoted type named like the pseudo-type is a user type.
        assert!(!flags("ALTER TABLE events ADD COLUMN n \"Serial\";"));
    }

    #[test]
    fn message_names_the_kind() {
        let r = two(
            "15",
            EVENTS,
            "ALTER TABLE events ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;",
        );
        assert!(
            shown(&r).contains("adding identity column `n`"),
            "{}",
            shown(&r)
        );
    }
}
