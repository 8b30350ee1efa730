//! Structural rules: raised by the pipeline itself (discovery, directives,
//! parsing), declared here so that they have ids, docs and examples too.

use super::{Example, LT, MY, PG, Rule};
use crate::config::Level;

const ALL: &[crate::config::Dialect] = &[PG, MY, LT];

macro_rules! structural {
    ($name:ident, $id:literal, $summary:literal, $explanation:literal, $safe:literal, $equiv:literal,
     bad: $bad:expr, good: $good:expr) => {
        structural!($name, $id, Level::Error, $summary, $explanation, $safe, $equiv, bad: $bad, good: $good);
    };
    ($name:ident, $id:literal, $level:expr, $summary:literal, $explanation:literal, $safe:literal, $equiv:literal,
     bad: $bad:expr, good: $good:expr) => {
        pub static $name: Rule = Rule {
            id: $id,
            dialects: ALL,
            default_level: $level,
            versions: &[],
            summary: $summary,
            explanation: $explanation,
            lock: "",
            safe_alternative: $safe,
            equivalents: $equiv,
            bad: $bad,
            good: $good,
            check: None,
        };
    };
}

structural!(MISSING_DOWN, "missing-down",
    "a migration has no down section",
    "Without a down section the migration cannot be rolled back: a bad deploy can only be fixed forward or by restoring a backup. Every migration states how to undo it, or says why it cannot be undone.",
    "add `-- migrate:down` with the statements that undo the up section, or `-- migrate:irreversible: <reason>` where the down would stand",
    "strong_migrations: check_down (indirect); squawk, eugene, Atlas: none",
    bad: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up -- expect: missing-down\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n" }],
    good: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n-- file: 0002_purge.sql\n-- migrate:up\nDELETE FROM users WHERE id < 0;\n-- migrate:irreversible: deleted rows cannot be restored\n" }]);

structural!(EMPTY_SECTION, "empty-section",
    "an up or down section holds no statement",
    "An empty section is almost always a mistake: a forgotten down, or statements written under the wrong marker. An empty down silently does nothing on rollback.",
    "write the statements, or replace an empty down with `-- migrate:irreversible: <reason>`",
    "dbmate: allows empty down (dbmate#397); others: none",
    bad: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down -- expect: empty-section\n" }],
    good: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n" }]);

structural!(PARSE_ERROR, "parse-error",
    "a statement does not parse",
    "A statement the checker cannot read cannot be checked, and usually fails on the server too. Each statement is parsed on its own, so one bad statement costs one diagnostic and the rest is still checked.",
    "fix the statement; if the server accepts it and the checker does not, report it (the statement is recognized at token level where that is safe)",
    "squawk: syntax errors reported; others: parse failures abort",
    bad: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY,,); -- expect: parse-error\n-- migrate:down\nDROP TABLE users;\n" }],
    good: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\n-- migrate:no-transaction\nPRAGMA foreign_keys = ON;\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n" }]);

structural!(DUPLICATE_VERSION, "duplicate-version",
    "two migrations have the same version",
    "Two files with one version apply in an undefined order and collide in the history table at deploy (a primary-key violation in sqlx and diesel).",
    "give one of them a new version; timestamps avoid collisions between branches",
    "refinery: RepeatedVersion; golang-migrate: ErrDuplicateMigration; sqlx, diesel: fail at apply",
    bad: &[Example { dialect: LT, text: "-- file: 1_a.sql\n-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\nDROP TABLE a;\n-- file: 1_b.sql\n-- migrate:up -- expect: duplicate-version\nCREATE TABLE b (id INTEGER);\n-- migrate:down\nDROP TABLE b;\n" }],
    good: &[Example { dialect: LT, text: "-- file: 1_a.sql\n-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\nDROP TABLE a;\n-- file: 2_b.sql\n-- migrate:up\nCREATE TABLE b (id INTEGER);\n-- migrate:down\nDROP TABLE b;\n" }]);

structural!(UNKNOWN_LAYOUT, "unknown-layout",
    "a `.sql` file fits no migration layout",
    "A misnamed migration is silently skipped by refinery and sqlx, and never runs. Here every `.sql` file in the directory must be a migration.",
    "name it `<version>_<name>.sql`, `<version>_<name>.up.sql`/`.down.sql`, `<version>_<name>/up.sql`, or `V<version>__<name>.sql`",
    "refinery: silently skipped (refinery#115); sqlx: ignored",
    bad: &[Example { dialect: LT, text: "-- file: create_users.sql\n-- migrate:up -- expect: unknown-layout\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n" }],
    good: &[Example { dialect: LT, text: "-- file: 20240101120000_create_users.sql\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n" }]);

structural!(BAD_DIRECTIVE, "bad-directive",
    "a `-- migrate:` directive is malformed or misplaced",
    "A directive that is not understood would otherwise be a plain comment: a suppression without a reason, a misspelled `no-transaction` or a second up marker would silently change what runs.",
    "write `-- migrate:up`, `-- migrate:down`, `-- migrate:no-transaction`, `-- migrate:allow(rule-id): reason` or `-- migrate:irreversible: reason`; in a seed file, `-- migrate:env(dev, test)` and `-- migrate:allow(rule-id): reason`",
    "eugene: BadCommentInstruction; squawk: unused-ignore",
    bad: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\n-- migrate:allow(drop-table) -- expect: bad-directive\nDROP TABLE legacy;\n-- migrate:down\nCREATE TABLE legacy (id INTEGER);\n" }],
    good: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\n-- migrate:allow(drop-table): legacy has been unused since v2\nDROP TABLE IF EXISTS legacy;\n-- migrate:down\nCREATE TABLE legacy (id INTEGER);\n" }]);

structural!(UNUSED_ALLOW, "unused-allow",
    "an `allow` directive suppresses nothing",
    "Like `#[expect]`: a suppression that no longer matches anything hides the next real finding on that statement and misleads readers. Suppressions must not rot.",
    "remove the directive, or move it right above the statement it is for",
    "squawk: unused-ignore",
    bad: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\n-- migrate:allow(drop-table): not needed -- expect: unused-allow\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n" }],
    good: &[Example { dialect: LT, text: "-- file: 0001_create_users.sql\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n" }]);

structural!(UNKNOWN_RULE, "unknown-rule",
    "a directive or `migrate.toml` names a rule that does not exist",
    "A misspelled rule id in a suppression or a level setting silently does nothing.",
    "use an id from docs/rules/README.md",
    "squawk: unused-ignore (squawk#214 asks for validation of exclusions)",
    bad: &[Example { dialect: LT, text: "-- file: 0001_drop.sql\n-- migrate:up\n-- migrate:allow(drop-tables): typo -- expect: unknown-rule\nDROP TABLE legacy;\n-- migrate:down\nCREATE TABLE legacy (id INTEGER);\n" }],
    good: &[Example { dialect: LT, text: "-- file: 0001_drop.sql\n-- migrate:up\n-- migrate:allow(drop-table): unused since v2\nDROP TABLE IF EXISTS legacy;\n-- migrate:down\nCREATE TABLE legacy (id INTEGER);\n" }]);

structural!(UNREADABLE_FILE, "unreadable-file",
    "a migration file is not UTF-8 text",
    "A binary or wrongly encoded file cannot be checked or applied.",
    "save the file as UTF-8",
    "none",
    bad: &[],
    good: &[]);

structural!(VERSION_ORDER, "version-order", Level::Warn,
    "the directory's tool orders its versions as text, and the text order differs from the numeric one",
    "diesel compares versions as strings (dashes removed) and dbmate compares file names, so `10_b` runs before `9_a` there; sqlx, golang-migrate, refinery and Flyway compare numbers. A directory is applied in the order of the tool that wrote it, so that a database it migrated and a new one end up alike; where that order differs from the numbers, it is said once, with the first pair that differs.",
    "keep the tool's order with `version_order = \"text\"` in migrate.toml (this silences the warning), or order as numbers with `version_order = \"numeric\"` when no database has run them yet",
    "diesel, dbmate: text order without a word; sqlx, golang-migrate: numeric",
    bad: &[Example { dialect: LT, text: "-- file: 9_a.sql\n-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\nDROP TABLE a;\n-- file: 10_b.sql\n-- migrate:up -- expect: version-order\nCREATE TABLE b (id INTEGER);\n-- migrate:down\nDROP TABLE b;\n" }],
    good: &[Example { dialect: LT, text: "-- file: 09_a.sql\n-- migrate:up\nCREATE TABLE a (id INTEGER);\n-- migrate:down\nDROP TABLE a;\n-- file: 10_b.sql\n-- migrate:up\nCREATE TABLE b (id INTEGER);\n-- migrate:down\nDROP TABLE b;\n" }]);

structural!(IGNORED_FILE, "ignored-file", Level::Warn,
    "a `.sql` file beside diesel's migration directories is not a migration",
    "diesel reads only the directories of its migrations directory (`<version>_<name>/up.sql`): a file beside them, such as seed data or notes, never runs there, and does not run here either. It is said, not skipped in silence.",
    "move the file out of the migrations directory, or make it a migration of its own",
    "diesel: skipped in silence",
    bad: &[Example { dialect: LT, text: "-- file: 2024-01-01-000000_users/up.sql\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- file: 2024-01-01-000000_users/down.sql\nDROP TABLE users;\n-- file: seed_data.sql\nINSERT INTO users (id) VALUES (1); -- expect: ignored-file\n" }],
    good: &[Example { dialect: LT, text: "-- file: 2024-01-01-000000_users/up.sql\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- file: 2024-01-01-000000_users/down.sql\nDROP TABLE users;\n" }]);

/// All structural rules, by reference.
pub static STRUCTURAL_RULES: &[&Rule] = &[
    &MISSING_DOWN,
    &EMPTY_SECTION,
    &PARSE_ERROR,
    &DUPLICATE_VERSION,
    &UNKNOWN_LAYOUT,
    &BAD_DIRECTIVE,
    &UNUSED_ALLOW,
    &UNKNOWN_RULE,
    &UNREADABLE_FILE,
    &VERSION_ORDER,
    &IGNORED_FILE,
];

/// Structural findings whose level `migrate.toml` cannot lower: the runtime
/// cannot run what they describe.
pub const HARD: &[&str] = &[
    "parse-error",
    "duplicate-version",
    "unknown-layout",
    "bad-directive",
    "unreadable-file",
    "unknown-rule",
];
