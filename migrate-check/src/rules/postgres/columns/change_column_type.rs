//! `change-column-type`: `ALTER COLUMN … TYPE` that rewrites an existing table.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, CharacterLength, DataType, ExactNumberInfo, Expr,
    TimezoneInfo,
};

use crate::config::{Dialect, Level};
use crate::model::ident;
use crate::rules::{Ctx, Example, Findings, MY, PG, Rule};
use crate::statement::Stmt;

use super::support::{PG12, alter_table, ident_span, parse_type};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "change-column-type",
    dialects: &[PG, MY],
    default_level: Level::Error,
    versions: &[],
    summary: "changing a column's type rewrites the whole table unless the types are binary-coercible",
    explanation: "ALTER COLUMN … TYPE takes an ACCESS EXCLUSIVE lock and, unless the old type is binary-coercible to the new one, rewrites every row and rebuilds every index of the table: every read and every write waits for a time that grows with the table. No rewrite is needed (PostgreSQL ≥ 9.2) for varchar(n) → varchar(m ≥ n), varchar or text; text → varchar without a length; numeric(p,s) → numeric(p' ≥ p, s) or numeric; cidr → inet; a wider precision of timestamp, timestamptz, time or varbit. timestamp ↔ timestamptz skips the rewrite on PostgreSQL ≥ 12 only when the session time zone is UTC. A `USING` expression other than the column itself forces a rewrite. The checker knows a column's old type from the CREATE TABLE, ADD COLUMN or earlier type change that made it; when it does not, the change is reported as a possible rewrite. A table created by this same migration is exempt. On MySQL and MariaDB, `MODIFY`/`CHANGE` to another data type runs with ALGORITHM=COPY: every row copied, writes blocked (VARCHAR resizes and ENUM/SET appends have rules of their own: varchar-length-class-change, enum-set-change-copies).",
    lock: "ACCESS EXCLUSIVE on the table for the whole rewrite: blocks every read and every write",
    safe_alternative: "expand/contract: add a new column of the new type, write both columns (application or trigger), backfill the new one in batches in a later migration marked `-- migrate:no-transaction`, switch reads to it, then drop the old column in a later release",
    equivalents: "squawk: changing-column-type · eugene: E5 · strong_migrations: change_column · Atlas: PG301 · django-pg-zero-downtime: ALTER_COLUMN_TYPE",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_line_items.sql
-- migrate:up
CREATE TABLE line_items (id bigint PRIMARY KEY, quantity integer NOT NULL);
-- migrate:down
DROP TABLE line_items;
-- file: 0002_widen_quantity.sql
-- migrate:up
ALTER TABLE line_items ALTER COLUMN quantity TYPE bigint; -- expect: change-column-type
-- migrate:irreversible: narrowing back to integer could fail on large values
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, quantity int NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_quantity_bigint.sql
-- migrate:up
ALTER TABLE orders MODIFY quantity bigint NOT NULL; -- expect: change-column-type
-- migrate:irreversible: narrowing back could overflow
",
    },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_products.sql
-- migrate:up
CREATE TABLE products (id bigint PRIMARY KEY, sku varchar(20) NOT NULL, title varchar(100), price numeric(10,2));
-- migrate:down
DROP TABLE products;
-- file: 0002_widen_products.sql
-- migrate:up
-- binary-coercible: only the catalog changes
ALTER TABLE products
  ALTER COLUMN sku TYPE varchar(40),
  ALTER COLUMN title TYPE text,
  ALTER COLUMN price TYPE numeric(14,2);
-- migrate:irreversible: narrowing the columns back would rewrite the table and could fail on longer values
",
    },
    Example {
        dialect: MY,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, quantity int NOT NULL) ENGINE=InnoDB;
-- migrate:down
DROP TABLE orders;
-- file: 0002_orders_quantity_big.sql
-- migrate:up
ALTER TABLE orders ADD COLUMN quantity_big bigint NULL;
-- migrate:down
ALTER TABLE orders DROP COLUMN quantity_big;
",
    },
    ],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.dialect == Dialect::MySql {
        return mysql_check(ctx, stmt, out);
    }
    let Some((at, table)) = alter_table(stmt) else {
        return;
    };
    if ctx.is_new_table(&table) {
        return;
    }
    for op in &at.operations {
        let AlterTableOperation::AlterColumn {
            column_name,
            op:
                AlterColumnOperation::SetDataType {
                    data_type, using, ..
                },
        } = op
        else {
            continue;
        };
        let column = ident(column_name);
        let new = data_type.to_string();
        let span = ident_span(ctx, stmt, column_name);
        match classify(ctx, &table, &column, data_type, using.as_ref()) {
            Change::InPlace => {}
            Change::Rewrite { from, using } => {
                let finding = out.report(
                    if using {
                        format!("changing `{table}.{column}` from `{from}` to `{new}` with a `USING` expression rewrites the table")
                    } else {
                        format!("changing `{table}.{column}` from `{from}` to `{new}` rewrites the table")
                    },
                    format!("every row of `{table}` is rewritten and its indexes rebuilt while it is locked"),
                );
                finding.span = span;
                if let (Some(Ty::Timestamp { tz: a, .. }), Some(Ty::Timestamp { tz: b, .. })) =
                    (parse_type(&from).map(|t| ty(&t)), Some(ty(data_type)))
                    && a != b
                    && ctx.version >= PG12
                {
                    finding.notes.push("PostgreSQL ≥ 12 skips this rewrite when the session `TimeZone` is UTC; if the migration runs so, allow it with that reason".into());
                }
            }
            Change::Unknown => {
                let finding = out.report(
                    format!("changing the type of `{table}.{column}` to `{new}` may rewrite the table"),
                    format!("unless the change is binary-coercible, every row of `{table}` is rewritten while it is locked"),
                );
                finding.span = span;
                finding.notes.push(format!("the old type of `{table}.{column}` is unknown: no migration the checker read created it, so a binary-coercible change (varchar(n) → varchar(m ≥ n) or text, numeric(p,s) → numeric(p' ≥ p, s), cidr → inet) cannot be told from a rewrite; if it is one, allow it with that reason"));
            }
        }
    }
}

/// MySQL: `MODIFY`/`CHANGE` to another data type (the online-DDL model
/// tells a type change from a VARCHAR resize or an ENUM append).
fn mysql_check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    use crate::mysql_ddl::Change as My;
    crate::rules::mysql::support::report_actions(ctx, stmt, out, |table, a| match &a.cost.change {
        My::TypeChange { from, to } => Some((
            format!(
                "changing a column of existing table `{table}` from `{from}` to `{to}` copies the table"
            ),
            "ALGORITHM=COPY: every row is copied while writes wait".into(),
        )),
        _ => None,
    });
}

/// What a type change does to the rows.
pub(super) enum Change {
    /// Binary-coercible: the catalog changes, the rows do not.
    InPlace,
    /// Every row is rewritten; `from` is the old type as the model has it.
    Rewrite {
        /// The old type.
        from: String,
        /// A `USING` expression forces the rewrite.
        using: bool,
    },
    /// The model does not know the old type.
    Unknown,
}

/// Classifies `ALTER COLUMN column TYPE new [USING using]` on `table`.
pub(super) fn classify(
    ctx: &Ctx<'_>,
    table: &str,
    column: &str,
    new: &DataType,
    using: Option<&Expr>,
) -> Change {
    let Some(from) = ctx
        .schema
        .table(table)
        .and_then(|t| t.column(column))
        .map(|c| c.data_type.clone())
    else {
        return Change::Unknown;
    };
    let Some(old) = parse_type(&from) else {
        return Change::Unknown;
    };
    if using.is_some_and(|u| !plain_using(u, column, new)) {
        return Change::Rewrite { from, using: true };
    }
    if in_place(&ty(&old), &ty(new)) {
        Change::InPlace
    } else {
        Change::Rewrite { from, using: false }
    }
}

/// `USING c` or `USING c::new`: the conversion PostgreSQL would use anyway.
fn plain_using(e: &Expr, column: &str, new: &DataType) -> bool {
    match e {
        Expr::Nested(x) => plain_using(x, column, new),
        Expr::Identifier(i) => ident(i) == column,
        Expr::CompoundIdentifier(p) => p.last().is_some_and(|i| ident(i) == column),
        Expr::Cast {
            expr, data_type, ..
        } => ty(data_type) == ty(new) && plain_using(expr, column, new),
        _ => false,
    }
}

/// A type, reduced to what decides whether a change is binary-coercible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// `varchar(n)`; `None` without a length.
    Varchar(Option<u64>),
    /// `text`.
    Text,
    /// `numeric(p, s)`; `None` unconstrained.
    Numeric(Option<(u64, i64)>),
    /// `timestamp[(p)] [with time zone]`.
    Timestamp {
        /// With time zone.
        tz: bool,
        /// Fractional digits; `None` for the default (6).
        precision: Option<u64>,
    },
    /// `time[(p)] [with time zone]`.
    Time {
        /// With time zone.
        tz: bool,
        /// Fractional digits; `None` for the default (6).
        precision: Option<u64>,
    },
    /// `varbit(n)`.
    VarBit(Option<u64>),
    /// `cidr`.
    Cidr,
    /// `inet`.
    Inet,
    /// Anything else, by canonical name (aliases folded).
    Other(String),
}

fn length(l: &Option<CharacterLength>) -> Option<u64> {
    match l {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length),
        _ => None,
    }
}

fn tz(t: &TimezoneInfo) -> bool {
    matches!(t, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz)
}

/// Reduces a type.
pub(super) fn ty(t: &DataType) -> Ty {
    let other = |s: &str| Ty::Other(s.to_string());
    match t {
        DataType::Varchar(l) | DataType::CharacterVarying(l) | DataType::CharVarying(l) => {
            Ty::Varchar(length(l))
        }
        DataType::Text => Ty::Text,
        DataType::Numeric(n) | DataType::Decimal(n) | DataType::Dec(n) => Ty::Numeric(match n {
            ExactNumberInfo::None => None,
            ExactNumberInfo::Precision(p) => Some((*p, 0)),
            ExactNumberInfo::PrecisionAndScale(p, s) => Some((*p, *s)),
        }),
        DataType::Timestamp(p, z) => Ty::Timestamp {
            tz: tz(z),
            precision: *p,
        },
        DataType::Time(p, z) => Ty::Time {
            tz: tz(z),
            precision: *p,
        },
        DataType::VarBit(n) | DataType::BitVarying(n) => Ty::VarBit(*n),
        DataType::Int(_) | DataType::Int4(_) | DataType::Integer(_) => other("integer"),
        DataType::BigInt(_) | DataType::Int8(_) => other("bigint"),
        DataType::SmallInt(_) | DataType::Int2(_) => other("smallint"),
        DataType::Real | DataType::Float4 => other("real"),
        DataType::DoublePrecision | DataType::Float8 => other("double precision"),
        DataType::Bool | DataType::Boolean => other("boolean"),
        DataType::Char(l) | DataType::Character(l) => {
            Ty::Other(format!("character({})", length(l).unwrap_or(1)))
        }
        DataType::Custom(name, modifiers) if modifiers.is_empty() && name.0.len() == 1 => {
            match name.to_string().to_lowercase().as_str() {
                "cidr" => Ty::Cidr,
                "inet" => Ty::Inet,
                "varchar" => Ty::Varchar(None),
                "timestamptz" => Ty::Timestamp {
                    tz: true,
                    precision: None,
                },
                n => other(n),
            }
        }
        _ => Ty::Other(t.to_string().to_lowercase()),
    }
}

/// Whether PostgreSQL changes `old` to `new` without touching the rows.
pub(super) fn in_place(old: &Ty, new: &Ty) -> bool {
    use Ty::*;
    // A precision or length limit that does not shrink (`None` = no limit,
    // or the maximum for time types).
    fn wider(old: &Option<u64>, new: &Option<u64>, max: u64) -> bool {
        match (old, new) {
            (_, None) => true,
            (None, Some(n)) => *n >= max,
            (Some(o), Some(n)) => n >= o,
        }
    }
    match (old, new) {
        (a, b) if a == b => true,
        (Varchar(_), Text) | (Text, Varchar(None)) => true,
        (Varchar(o), Varchar(n)) => wider(o, n, u64::MAX),
        (Numeric(_), Numeric(None)) => true,
        (Numeric(Some((p, s))), Numeric(Some((q, t)))) => q >= p && s == t,
        (
            Timestamp {
                tz: a,
                precision: p,
            },
            Timestamp {
                tz: b,
                precision: q,
            },
        )
        | (
            Time {
                tz: a,
                precision: p,
            },
            Time {
                tz: b,
                precision: q,
            },
        ) => a == b && wider(p, q, 6),
        (VarBit(o), VarBit(n)) => wider(o, n, u64::MAX),
        (Cidr, Inet) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{
        parse_type,
        testing::{fires, shown, two},
    };
    use super::{in_place, ty};

    fn same_rows(old: &str, new: &str) -> bool {
        in_place(
            &ty(&parse_type(old).unwrap()),
            &ty(&parse_type(new).unwrap()),
        )
    }

    #[test]
    fn binary_coercible_allow_list() {
        for (old, new) in [
            ("varchar(20)", "varchar(40)"),
            ("varchar(20)", "varchar(20)"),
            ("character varying(20)", "varchar(21)"),
            ("varchar(20)", "varchar"),
            ("varchar(20)", "text"),
            ("varchar", "text"),
            ("text", "varchar"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("decimal(10,2)", "numeric(10,2)"),
            ("numeric(10,2)", "numeric"),
            ("numeric(5)", "numeric(7,0)"),
            ("cidr", "inet"),
            ("timestamp(3)", "timestamp(6)"),
            ("timestamptz(3)", "timestamp with time zone"),
            ("int4", "integer"),
            ("INTEGER", "int"),
        ] {
            assert!(same_rows(old, new), "{old} -> {new}");
        }
    }

    #[test]
    fn rewrites() {
        for (old, new) in [
            ("integer", "bigint"),
            ("varchar(40)", "varchar(20)"),
            ("text", "varchar(20)"),
            ("varchar", "varchar(20)"),
            ("numeric(10,2)", "numeric(12,3)"),
            ("numeric(12,2)", "numeric(10,2)"),
            ("numeric", "numeric(10,2)"),
            ("inet", "cidr"),
            ("timestamp", "timestamptz"),
            ("timestamp", "timestamp(3)"),
            ("char(10)", "varchar(10)"),
            ("varchar(10)[]", "varchar(20)[]"),
            ("json", "jsonb"),
        ] {
            assert!(!same_rows(old, new), "{old} -> {new}");
        }
    }

    const T: &str =
        "CREATE TABLE t (id bigint PRIMARY KEY, n integer, s varchar(10), at timestamp);";

    fn flags(version: &str, up: &str) -> bool {
        fires(&two(version, T, up), "change-column-type")
    }

    #[test]
    fn model_type_decides() {
        assert!(flags("15", "ALTER TABLE t ALTER COLUMN n TYPE bigint;"));
        assert!(!flags(
            "15",
            "ALTER TABLE t ALTER COLUMN s TYPE varchar(20);"
        ));
        assert!(!flags(
            "15",
            "ALTER TABLE t ALTER COLUMN s SET DATA TYPE text;"
        ));
        // The model follows earlier type changes.
        assert!(flags(
            "15",
            "ALTER TABLE t ALTER COLUMN s TYPE text;\nALTER TABLE t ALTER COLUMN s TYPE varchar(10);"
        ));
    }

    #[test]
    fn using_forces_a_rewrite_unless_plain() {
        assert!(!flags(
            "15",
            "ALTER TABLE t ALTER COLUMN s TYPE varchar(20) USING s::varchar(20);"
        ));
        assert!(flags(
            "15",
            "ALTER TABLE t ALTER COLUMN s TYPE varchar(20) USING lower(s);"
        ));
    }

    #[test]
    fn unknown_old_type_is_reported_with_a_note() {
        let r = two("15", T, "ALTER TABLE legacy ALTER COLUMN c TYPE text;");
        assert!(fires(&r, "change-column-type"));
        assert!(
            shown(&r).contains("old type of `legacy.c` is unknown"),
            "{}",
            shown(&r)
        );
    }

    #[test]
    fn timestamptz_note_from_12() {
        let r = two("12", T, "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;");
        assert!(shown(&r).contains("TimeZone` is UTC"), "{}", shown(&r));
        let r = two("11", T, "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;");
        assert!(fires(&r, "change-column-type"));
        assert!(!shown(&r).contains("TimeZone` is UTC"));
    }

    #[test]
    fn new_table_is_exempt() {
        assert!(!flags(
            "15",
            "CREATE TABLE u (n int);\nALTER TABLE u ALTER COLUMN n TYPE bigint;"
        ));
    }
}
