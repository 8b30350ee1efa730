//! PostgreSQL types as the style rules see them: which built-in type a
//! written type resolves to, and how the server lays it out in a row
//! (`pg_type.typlen` / `typalign`).

use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, TimezoneInfo, TypeModifier,
};

/// A column type resolved to what PostgreSQL stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// `smallint`, `int2`.
    Int2,
    /// `integer`, `int`, `int4`.
    Int4,
    /// `bigint`, `int8`.
    Int8,
    /// `smallserial`, `serial2`: an `int2` fed by a sequence.
    Serial2,
    /// `serial`, `serial4`: an `int4` fed by a sequence.
    Serial4,
    /// `bigserial`, `serial8`: an `int8` fed by a sequence.
    Serial8,
    /// `char(n)`, `character(n)`, `bpchar`: blank-padded.
    Bpchar,
    /// `varchar(n)` with a length limit.
    VarcharLimited(u64),
    /// `timestamp [without time zone]`.
    Timestamp,
    /// A type with a fixed width: its length and alignment in bytes.
    Fixed(u32, u32),
    /// A variable-length type (text, varchar, numeric, jsonb, bytea, arrays…).
    Varlena,
    /// A type the checker does not know (a domain, an enum, an extension's type).
    Unknown,
}

impl Ty {
    /// The storage of the type: `Some((length, alignment))` for fixed-width
    /// types, `None` for variable-length or unknown ones.
    pub(super) fn fixed_width(self) -> Option<(u32, u32)> {
        match self {
            Ty::Int2 | Ty::Serial2 => Some((2, 2)),
            Ty::Int4 | Ty::Serial4 => Some((4, 4)),
            Ty::Int8 | Ty::Serial8 | Ty::Timestamp => Some((8, 8)),
            Ty::Fixed(len, align) => Some((len, align)),
            Ty::Bpchar | Ty::VarcharLimited(_) | Ty::Varlena | Ty::Unknown => None,
        }
    }

    /// How PostgreSQL names the type in messages.
    pub(super) fn pg_name(self) -> &'static str {
        match self {
            Ty::Int2 => "smallint",
            Ty::Int4 => "integer",
            Ty::Int8 => "bigint",
            Ty::Serial2 => "smallserial",
            Ty::Serial4 => "serial",
            Ty::Serial8 => "bigserial",
            Ty::Bpchar => "character",
            Ty::VarcharLimited(_) => "character varying",
            Ty::Timestamp => "timestamp without time zone",
            Ty::Fixed(..) | Ty::Varlena | Ty::Unknown => "",
        }
    }
}

/// A written type: the element type and whether it is an array of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Resolved {
    /// The type, or the array's element type.
    pub ty: Ty,
    /// `ty[]`.
    pub array: bool,
}

impl Resolved {
    /// The storage of the column itself (an array is variable-length).
    pub(super) fn fixed_width(self) -> Option<(u32, u32)> {
        if self.array {
            None
        } else {
            self.ty.fixed_width()
        }
    }
}

/// Resolves a type from sqlparser's AST.
pub(super) fn resolve(dt: &DataType) -> Resolved {
    match dt {
        DataType::Array(
            ArrayElemTypeDef::SquareBracket(inner, _)
            | ArrayElemTypeDef::AngleBracket(inner)
            | ArrayElemTypeDef::Parenthesis(inner)
            | ArrayElemTypeDef::ParenthesisNotNull(inner)
            | ArrayElemTypeDef::Qualified(inner, _),
        ) => Resolved {
            ty: resolve(inner).ty,
            array: true,
        },
        DataType::Array(ArrayElemTypeDef::None) => Resolved {
            ty: Ty::Unknown,
            array: true,
        },
        DataType::Collate(inner, _) => resolve(inner),
        other => Resolved {
            ty: scalar(other),
            array: false,
        },
    }
}

fn scalar(dt: &DataType) -> Ty {
    use DataType as D;
    match dt {
        D::SmallInt(_) | D::Int2(_) => Ty::Int2,
        D::Int(_) | D::Integer(_) | D::Int4(_) => Ty::Int4,
        D::BigInt(_) | D::Int8(_) => Ty::Int8,
        D::Bool | D::Boolean => Ty::Fixed(1, 1),
        D::Real | D::Float4 => Ty::Fixed(4, 4),
        D::Float8 | D::DoublePrecision | D::Double(_) => Ty::Fixed(8, 8),
        // float(p): 1–24 is real, 25–53 (and no p) double precision.
        D::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => Ty::Fixed(4, 4),
        D::Float(_) => Ty::Fixed(8, 8),
        D::Date => Ty::Fixed(4, 4),
        D::Time(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => Ty::Fixed(8, 8),
        D::Time(_, _) => Ty::Fixed(12, 8),
        D::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => Ty::Timestamp,
        D::Timestamp(_, _) => Ty::Fixed(8, 8),
        D::Interval { .. } => Ty::Fixed(16, 8),
        D::Uuid => Ty::Fixed(16, 1),
        D::Regclass => Ty::Fixed(4, 4),
        D::Char(_) | D::Character(_) => Ty::Bpchar,
        D::Varchar(len) | D::CharacterVarying(len) | D::CharVarying(len) => match len {
            Some(CharacterLength::IntegerLength { length, .. }) => Ty::VarcharLimited(*length),
            _ => Ty::Varlena,
        },
        D::Text
        | D::Bytea
        | D::JSON
        | D::JSONB
        | D::Numeric(_)
        | D::Decimal(_)
        | D::Dec(_)
        | D::Bit(_)
        | D::BitVarying(_)
        | D::VarBit(_)
        | D::TsVector
        | D::TsQuery => Ty::Varlena,
        D::Custom(name, modifiers) => {
            let Some(last) = name.0.last().and_then(|p| p.as_ident()) else {
                return Ty::Unknown;
            };
            // `"char"` (quoted) is the one-byte internal type, not `character`.
            if last.quote_style.is_some() && last.value == "char" {
                return Ty::Fixed(1, 1);
            }
            by_name(&last.value.to_ascii_lowercase(), modifiers)
        }
        _ => Ty::Unknown,
    }
}

/// Built-in types sqlparser leaves as custom names (`serial`, `pg_catalog.int4`, …).
fn by_name(name: &str, modifiers: &[TypeModifier]) -> Ty {
    match name {
        "int2" => Ty::Int2,
        "int4" => Ty::Int4,
        "int8" => Ty::Int8,
        "smallserial" | "serial2" => Ty::Serial2,
        "serial" | "serial4" => Ty::Serial4,
        "bigserial" | "serial8" => Ty::Serial8,
        "bpchar" => Ty::Bpchar,
        "varchar" => match modifiers.first() {
            Some(TypeModifier::Number(n, _)) => n.parse().map_or(Ty::Varlena, Ty::VarcharLimited),
            _ => Ty::Varlena,
        },
        "timestamp" => Ty::Timestamp,
        "timestamptz" | "money" | "time" => Ty::Fixed(8, 8),
        "timetz" => Ty::Fixed(12, 8),
        "float4" | "oid" | "date" | "regclass" | "regtype" | "regproc" => Ty::Fixed(4, 4),
        "float8" => Ty::Fixed(8, 8),
        "bool" => Ty::Fixed(1, 1),
        "uuid" => Ty::Fixed(16, 1),
        "interval" | "point" => Ty::Fixed(16, 8),
        "macaddr" => Ty::Fixed(6, 4),
        "macaddr8" => Ty::Fixed(8, 4),
        "text" | "bytea" | "json" | "jsonb" | "numeric" | "inet" | "cidr" | "xml" | "citext"
        | "tsvector" | "tsquery" | "varbit" | "bit" => Ty::Varlena,
        _ => Ty::Unknown,
    }
}

/// Resolves a type as the schema model stores it: written, upper case
/// (`INTEGER`, `SERIAL`, `PG_CATALOG.INT8`, `VARCHAR(20)`).
pub(super) fn resolve_text(written: &str) -> Ty {
    let t = written.trim().to_ascii_lowercase();
    let t = t.rsplit('.').next().unwrap_or(&t);
    let base = t.split('(').next().unwrap_or(t).trim();
    match base {
        "smallint" | "int2" => Ty::Int2,
        "int" | "integer" | "int4" => Ty::Int4,
        "bigint" | "int8" => Ty::Int8,
        other => by_name(other, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::Statement;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn ty(written: &str) -> Resolved {
        let sql = format!("CREATE TABLE t (c {written})");
        let stmts = Parser::parse_sql(&PostgreSqlDialect {}, &sql).unwrap();
        let Statement::CreateTable(ct) = &stmts[0] else {
            panic!("not a CREATE TABLE")
        };
        resolve(&ct.columns[0].data_type)
    }

    #[test]
    fn spellings_resolve_to_the_stored_type() {
        for w in ["int", "integer", "int4", "pg_catalog.int4", "INT4"] {
            assert_eq!(ty(w).ty, Ty::Int4, "{w}");
        }
        for w in ["smallint", "int2"] {
            assert_eq!(ty(w).ty, Ty::Int2, "{w}");
        }
        for w in ["serial", "serial4", "SERIAL"] {
            assert_eq!(ty(w).ty, Ty::Serial4, "{w}");
        }
        for w in ["char", "character(3)", "char(10)", "bpchar"] {
            assert_eq!(ty(w).ty, Ty::Bpchar, "{w}");
        }
        assert_eq!(ty("\"char\"").ty, Ty::Fixed(1, 1));
        assert_eq!(ty("varchar(20)").ty, Ty::VarcharLimited(20));
        assert_eq!(ty("character varying(5)").ty, Ty::VarcharLimited(5));
        assert_eq!(ty("varchar").ty, Ty::Varlena);
        assert_eq!(ty("timestamp").ty, Ty::Timestamp);
        assert_eq!(ty("timestamp(3) without time zone").ty, Ty::Timestamp);
        assert_eq!(ty("timestamptz").ty, Ty::Fixed(8, 8));
        assert_eq!(ty("timestamp with time zone").ty, Ty::Fixed(8, 8));
        assert_eq!(ty("real").ty, Ty::Fixed(4, 4));
        assert_eq!(ty("float(53)").ty, Ty::Fixed(8, 8));
        assert_eq!(ty("my_enum").ty, Ty::Unknown);
        let arr = ty("int[]");
        assert!(arr.array && arr.ty == Ty::Int4 && arr.fixed_width().is_none());
    }

    #[test]
    fn model_text_resolves_like_the_ast() {
        assert_eq!(resolve_text("INTEGER"), Ty::Int4);
        assert_eq!(resolve_text("SERIAL"), Ty::Serial4);
        assert_eq!(resolve_text("BIGINT"), Ty::Int8);
        assert_eq!(resolve_text("PG_CATALOG.INT4"), Ty::Int4);
        assert_eq!(resolve_text("INT2"), Ty::Int2);
        assert_eq!(resolve_text("TEXT"), Ty::Varlena);
    }
}
