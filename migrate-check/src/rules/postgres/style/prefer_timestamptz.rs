//! `prefer-timestamptz`: a new `timestamp` (without time zone) column.

use crate::config::Level;
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::Stmt;

use super::introduced::{Origin, new_columns, span_of};
use super::types::{Ty, resolve};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "prefer-timestamptz",
    dialects: &[PG],
    default_level: Level::Warn,
    versions: &[],
    summary: "a new `timestamp` (without time zone) column",
    explanation: "`timestamp without time zone` stores a wall-clock reading with no offset: `now()` is converted to the session's time zone and the zone is dropped, so the same instant is stored differently by clients with different `TimeZone` settings, and arithmetic across a daylight-saving change is off by an hour. `timestamptz` stores an instant (UTC internally, same 8 bytes) and converts on output. Converting later with `ALTER COLUMN … TYPE timestamptz` rewrites the table under an ACCESS EXCLUSIVE lock, except on PostgreSQL 12 and later when the session time zone is UTC. Judged where a column is introduced (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE).",
    lock: "",
    safe_alternative: "use `timestamptz` (`timestamp with time zone`); keep a wall-clock value that must not move with the zone (an opening hour) as `timestamp` with `-- migrate:allow(prefer-timestamptz): <why>`",
    equivalents: "squawk: prefer-timestamptz",
    bad: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    happened_at timestamp NOT NULL DEFAULT now() -- expect: prefer-timestamptz
);
-- migrate:down
DROP TABLE events;
",
    }],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_events.sql
-- migrate:up
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    happened_at timestamptz NOT NULL DEFAULT now()
);
-- migrate:down
DROP TABLE events;
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    for col in new_columns(ctx, stmt) {
        let r = resolve(col.data_type);
        if r.ty != Ty::Timestamp {
            continue;
        }
        let array = if r.array { "[]" } else { "" };
        let verb = match col.origin {
            Origin::AlterType => "is changed to",
            Origin::CreateTable | Origin::AddColumn => "is",
        };
        let f = out.report(
            format!(
                "`{}` {verb} timestamp without time zone{array}",
                col.qualified()
            ),
            "stores no offset: the instant depends on each client's TimeZone",
        );
        f.span = span_of(ctx, col.name);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::postgres::style::test_support::{hits, migration, run};

    const ID: &str = "prefer-timestamptz";

    #[test]
    fn timestamps_without_time_zone_are_reported() {
        let m = migration(
            "CREATE TABLE t (\n  a timestamp,\n  b timestamp(3),\n  c timestamp without time zone,\n  d timestamp[],\n  e timestamptz,\n  f timestamp with time zone,\n  g date,\n  h time\n);",
            "DROP TABLE t;",
        );
        let got: Vec<u32> = hits(&run(&[("1_t.sql", &m)], "15"), ID)
            .into_iter()
            .map(|h| h.1)
            .collect();
        assert_eq!(got, [3, 4, 5, 6]);
    }

    #[test]
    fn add_column_and_type_change_are_reported_existing_columns_are_not() {
        let files = [
            (
                "1_t.sql",
                migration(
                    "CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);",
                    "DROP TABLE t;",
                ),
            ),
            (
                "2_t.sql",
                migration(
                    "ALTER TABLE t ADD COLUMN seen_at timestamp;",
                    "ALTER TABLE t DROP COLUMN seen_at;",
                ),
            ),
            (
                "3_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN at TYPE timestamp;",
                    "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;",
                ),
            ),
            (
                "4_t.sql",
                migration(
                    "ALTER TABLE t ALTER COLUMN seen_at TYPE timestamptz;",
                    "ALTER TABLE t ALTER COLUMN seen_at TYPE timestamp;",
                ),
            ),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_eq!(
            hits(&run(&refs, "15"), ID),
            [("2_t.sql".into(), 2), ("3_t.sql".into(), 2)]
        );
    }

    #[test]
    fn an_allow_with_a_reason_accepts_a_wall_clock_column() {
        let m = migration(
            "-- migrate:allow(prefer-timestamptz): opening hour in the shop's local time\nCREATE TABLE shops (id bigint PRIMARY KEY, opens_at timestamp);",
            "DROP TABLE shops;",
        );
        let report = run(&[("1_shops.sql", &m)], "15");
        assert!(report.diagnostics.is_empty(), "{}", report.render(false));
    }
}
