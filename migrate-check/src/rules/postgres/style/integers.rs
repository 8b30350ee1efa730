//! What `prefer-bigint-over-int` and `prefer-bigint-over-smallint` share:
//! finding integer columns narrower than `bigint` among the new definitions,
//! minus the foreign keys that must match the key they reference.

use sqlparser::ast::{ColumnOption, Expr};

use super::introduced::{Origin, new_columns, referenced_key, span_of};
use super::types::{Ty, resolve};
use crate::rules::{Ctx, Findings};
use crate::statement::Stmt;

/// The byte width of an integer type, `None` for other types.
fn width(ty: Ty) -> Option<u8> {
    match ty {
        Ty::Int2 | Ty::Serial2 => Some(2),
        Ty::Int4 | Ty::Serial4 => Some(4),
        Ty::Int8 | Ty::Serial8 => Some(8),
        _ => None,
    }
}

/// Reports the new columns whose integer type is `bytes` wide; `max` is its
/// largest value, written out.
pub(super) fn report_narrow(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings, bytes: u8, max: &str) {
    for col in new_columns(ctx, stmt) {
        let r = resolve(col.data_type);
        if width(r.ty) != Some(bytes) {
            continue;
        }
        // A foreign key holds values of the key it references: it cannot be
        // wider usefully, and it is the key that should change (both
        // together). An unknown key is most often a legacy `integer` one
        // created outside these migrations: not reported either.
        let reference = referenced_key(ctx, stmt, &col);
        let wider_key = match &reference {
            Some(k) => match k.ty.and_then(width) {
                Some(w) if w > bytes => Some(k),
                _ => continue,
            },
            None => None,
        };
        let options = || col.options.iter().map(|o| &o.option);
        let sequence = matches!(r.ty, Ty::Serial2 | Ty::Serial4)
            || options().any(|o| {
                matches!(o, ColumnOption::Identity(_) | ColumnOption::Generated { sequence_options: Some(_), .. })
                    || matches!(o, ColumnOption::Default(Expr::Function(f)) if f.name.to_string().eq_ignore_ascii_case("nextval"))
            });
        let key = sequence
            || options().any(|o| matches!(o, ColumnOption::PrimaryKey(_)))
            || reference.is_some();
        let array = if r.array { "[]" } else { "" };
        let what = format!("{}{array}", r.ty.pg_name());
        let bits = u32::from(bytes) * 8;
        let verb = match col.origin {
            Origin::AlterType => "becomes",
            Origin::CreateTable | Origin::AddColumn => "is",
        };
        let label = if sequence {
            format!("its sequence runs out at {max}: every INSERT fails from then on")
        } else if key {
            format!("ids above {max} cannot be stored")
        } else {
            format!("values above {max} fail with \"out of range\"")
        };
        let f = out.report(
            format!("`{}` {verb} a {bits}-bit `{what}`", col.qualified()),
            label,
        );
        f.span = span_of(ctx, col.name);
        if let Some(k) = wider_key {
            f.notes.push(format!(
                "it references `{}`, a {}-byte key: values the key already allows do not fit here",
                k.key,
                k.ty.and_then(width).unwrap_or(8)
            ));
        }
    }
}
