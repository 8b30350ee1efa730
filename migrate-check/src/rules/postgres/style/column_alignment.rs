//! `column-alignment`: a new table whose column order wastes alignment padding.

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::model::{ident, object};
use crate::rules::{Ctx, Example, Findings, PG, Rule, SectionKind};
use crate::statement::Stmt;

use super::introduced::{last_ident, span_of};
use super::types::resolve;

/// Report when reordering saves at least this many bytes per row.
const THRESHOLD: u32 = 8;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "column-alignment",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new table whose column order wastes alignment padding in every row",
    explanation: "PostgreSQL stores a row's columns in the declared order and aligns each fixed-width value to its type's alignment: 8 bytes for `bigint`, `timestamp[tz]`, `double precision`, `time`, `interval`; 4 for `integer`, `date`, `real`; 2 for `smallint`; 1 for `boolean` and `uuid`. A `boolean` followed by a `bigint` costs 7 bytes of padding, and a row is padded to a multiple of 8 at its end. Placing the 8-byte columns first, then the 4-, 2- and 1-byte ones, then the variable-length ones (`text`, `varchar`, `numeric`, `jsonb`, arrays…) removes that padding: on a large table that is disk, cache and I/O saved on every scan. The order can only be chosen when the table is created (new columns always go last; reordering later means rebuilding the table), so only CREATE TABLE is judged. The count is a lower bound: padding after a variable-length value depends on the data and is not counted, NULLs take no space, and types the checker does not know (enums, domains) are treated as variable-length. Reported when reordering saves at least 8 bytes per row.",
    lock: "",
    safe_alternative: "declare the fixed-width columns from the widest alignment to the narrowest (8, 4, 2, 1 bytes), then the variable-length ones",
    equivalents: "Atlas: PG110",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_payments.sql
-- migrate:up
CREATE TABLE payments ( -- expect: column-alignment
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    captured boolean NOT NULL DEFAULT false,
    amount bigint NOT NULL,
    due_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    note text
);
-- migrate:down
DROP TABLE payments;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_payments.sql
-- migrate:up
CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amount bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    due_on date NOT NULL,
    captured boolean NOT NULL DEFAULT false,
    note text
);
-- migrate:down
DROP TABLE payments;
",
    }],
    check: Some(check),
};

/// A column as laid out: its name and fixed width (`None`: variable or unknown).
#[derive(Clone, Debug)]
pub(super) struct Slot {
    pub name: String,
    pub fixed: Option<(u32, u32)>,
}

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if ctx.section == SectionKind::Down {
        return;
    }
    let Some(Statement::CreateTable(ct)) = stmt.ast() else {
        return;
    };
    if ct.temporary || ct.columns.len() < 2 {
        return;
    }
    let written: Vec<Slot> = ct
        .columns
        .iter()
        .map(|c| Slot {
            name: ident(&c.name),
            fixed: resolve(&c.data_type).fixed_width(),
        })
        .collect();
    let best = best_order(&written);
    let (now, ideal) = (padding(&written), padding(&best));
    let saved = now.saturating_sub(ideal);
    if saved < THRESHOLD {
        return;
    }
    let table = object(&ct.name);
    let f = out.report(
        format!("the column order of `{table}` wastes {saved} bytes of alignment padding per row"),
        format!("reordering the columns saves {saved} bytes in every row"),
    );
    f.span = last_ident(&ct.name).and_then(|i| span_of(ctx, i));
    let order: Vec<&str> = best.iter().map(|s| s.name.as_str()).collect();
    f.help = Some(format!(
        "declare the columns in this order: {} (widest alignment first, variable-length last)",
        order.join(", ")
    ));
}

/// The order without avoidable padding: fixed-width columns by decreasing
/// alignment (then decreasing length, a stable sort keeps the written order
/// otherwise), variable-length ones last.
pub(super) fn best_order(cols: &[Slot]) -> Vec<Slot> {
    let mut best = cols.to_vec();
    best.sort_by_key(|s| match s.fixed {
        Some((len, align)) => (0, std::cmp::Reverse(align), std::cmp::Reverse(len)),
        None => (1, std::cmp::Reverse(0), std::cmp::Reverse(0)),
    });
    best
}

/// The padding a row certainly holds in this order: bytes inserted before
/// fixed-width values to align them, plus the padding of the row's end to 8
/// bytes when every column is fixed-width. Row data starts 8-aligned (after
/// the MAXALIGNed header). After a variable-length value only the alignment
/// is known, not the offset, so the padding that follows is not counted.
pub(super) fn padding(cols: &[Slot]) -> u32 {
    // The offset is known modulo `modulus` (1, 2, 4 or 8): it is `offset`.
    let (mut offset, mut modulus, mut pad) = (0u32, 8u32, 0u32);
    for c in cols {
        let Some((len, align)) = c.fixed else {
            // Unknown length: nothing is known of the offset after it.
            (offset, modulus) = (0, 1);
            continue;
        };
        let known = align.min(modulus);
        // The part of the padding that is certain: up to the known alignment.
        pad += (known - offset % known) % known;
        if align > modulus {
            // Aligned now, whatever the offset was.
            (offset, modulus) = (0, align);
        } else {
            offset = (offset + (align - offset % align) % align) % modulus;
        }
        offset = (offset + len) % modulus;
    }
    if cols.iter().all(|c| c.fixed.is_some()) {
        pad += (8 - offset % 8) % 8;
    }
    pad
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    fn slots(spec: &[Option<(u32, u32)>]) -> Vec<Slot> {
        spec.iter()
            .enumerate()
            .map(|(i, f)| Slot {
                name: format!("c{i}"),
                fixed: *f,
            })
            .collect()
    }

    const BOOL: Option<(u32, u32)> = Some((1, 1));
    const INT2: Option<(u32, u32)> = Some((2, 2));
    const INT4: Option<(u32, u32)> = Some((4, 4));
    const INT8: Option<(u32, u32)> = Some((8, 8));
    const UUID: Option<(u32, u32)> = Some((16, 1));
    const TEXT: Option<(u32, u32)> = None;

    #[test]
    fn padding_between_fixed_columns_is_counted() {
        // bool (1) + 7 pad + int8 (8) + int4 (4) + 4 pad at the end.
        assert_eq!(padding(&slots(&[BOOL, INT8, INT4])), 11);
        assert_eq!(padding(&slots(&[INT8, INT4, BOOL])), 3);
        assert_eq!(padding(&slots(&[INT8, INT8])), 0);
        // int4 + 4 pad + int8 + int4 + 4 pad at the end.
        assert_eq!(padding(&slots(&[INT4, INT8, INT4])), 8);
        assert_eq!(padding(&slots(&[INT2, INT4, INT2])), 2 + 6);
        // uuid is byte-aligned: no padding before it.
        assert_eq!(padding(&slots(&[BOOL, UUID, INT8])), 7);
    }

    #[test]
    fn padding_after_variable_length_values_is_not_guessed() {
        // text, then bool and int8: the int8's padding depends on the text.
        assert_eq!(padding(&slots(&[TEXT, BOOL, INT8])), 0);
        // After an aligned int8 the offset is known again.
        assert_eq!(padding(&slots(&[TEXT, INT8, BOOL, INT8])), 7);
        // No end padding when a column has a variable length.
        assert_eq!(padding(&slots(&[INT8, INT4, TEXT])), 0);
    }

    #[test]
    fn the_best_order_sorts_by_alignment_and_puts_variable_length_last() {
        let best = best_order(&slots(&[BOOL, TEXT, INT8, INT2, INT4]));
        let names: Vec<&str> = best.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["c2", "c4", "c3", "c0", "c1"]);
        assert_eq!(padding(&best), 0);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "column-alignment";

    fn report(up: &str) -> crate::Report {
        run(&[("1_t.sql", &migration(up, "SELECT 1;"))], "15")
    }

    #[test]
    fn the_saving_is_counted_and_the_order_given() {
        let r =
            report("CREATE TABLE t (a boolean, b bigint, c integer, d timestamptz, e smallint);");
        let d = r.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        // 1 + 7 + 8 + 4 + 4 + 8 + 2 + 6 = 40 bytes; 8 + 8 + 4 + 2 + 1 + 1 = 24.
        assert_eq!(
            d.message,
            "the column order of `t` wastes 16 bytes of alignment padding per row"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(
                "declare the columns in this order: b, d, c, e, a (widest alignment first, variable-length last)"
            )
        );
    }

    #[test]
    fn savings_under_8_bytes_are_not_reported() {
        // int4 + 4 pad + int8: the row is 16 bytes either way.
        assert!(hits(&report("CREATE TABLE t (a integer, b bigint);"), ID).is_empty());
        // bool + 7 pad + int8, then text: 7 bytes.
        assert!(hits(&report("CREATE TABLE t (a boolean, b bigint, c text);"), ID).is_empty());
    }

    #[test]
    fn padding_after_text_is_not_guessed() {
        assert!(
            hits(
                &report(
                    "CREATE TABLE t (a text, b boolean, c bigint, d text, e integer, f bigint);"
                ),
                ID
            )
            .is_empty()
        );
    }

    #[test]
    fn only_new_tables_are_judged() {
        let files = [
            (
                "1_t.sql",
                migration("CREATE TABLE t (id bigint, n bigint);", "DROP TABLE t;"),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t ADD COLUMN f boolean, ADD COLUMN g bigint, ADD COLUMN h integer, ADD COLUMN i bigint;",
                    "SELECT 1;",
                ),
            ),
            (
                "3_t.sql",
                migration(
                    "DROP TABLE t;",
                    "CREATE TABLE t (a boolean, b bigint, c integer, d bigint);",
                ),
            ),
            (
                "4_u.sql",
                migration(
                    "CREATE TEMPORARY TABLE u (a boolean, b bigint, c integer, d bigint);",
                    "SELECT 1;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert!(hits(&run(&refs, "15"), ID).is_empty());
    }

    #[test]
    fn unknown_types_count_as_variable_length() {
        // `mood` may be an enum (4 bytes) or anything else: nothing is
        // assumed of the padding after it (4 bytes before `d` are certain).
        assert!(
            hits(
                &report("CREATE TABLE t (a boolean, m mood, b bigint, c integer, d bigint);"),
                ID
            )
            .is_empty()
        );
        // Before it, 7 + 4 bytes are; it goes last with the variable-length columns.
        let r = report("CREATE TABLE t (a boolean, b bigint, c integer, d bigint, m mood);");
        let d = r.diagnostics.iter().find(|d| d.rule == ID).unwrap();
        assert!(d.message.contains("wastes 11 bytes"), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains("b, d, c, a, m"));
    }
}
