//! The rule framework. One rule = one file declaring its metadata as data
//! (id, dialects, default level, server versions, summary, explanation, lock,
//! safe alternative, bad and good examples) and a `check` function. The
//! examples are at once the rule's documentation and its tests.

use std::ops::Range;

use crate::config::{Dialect, Level, ServerVersion};
use crate::model::{MigrationIndex, Schema};
use crate::source::SourceFile;
use crate::statement::Stmt;

mod common;
mod mysql;
mod postgres;
mod seeds;
mod sqlite;
pub mod state;
mod structural;

pub use state::{HeldLock, SectionState};
pub use structural::{HARD, STRUCTURAL_RULES};

/// A version range in which a rule applies, for one dialect: from `since`
/// (inclusive) to `until` (exclusive). A dialect without an entry is unbounded.
#[derive(Clone, Copy, Debug)]
pub struct VersionGate {
    /// The dialect this gate is for.
    pub dialect: Dialect,
    /// First server version the rule applies to.
    pub since: Option<ServerVersion>,
    /// First server version it no longer applies to.
    pub until: Option<ServerVersion>,
}

/// A bad or good example: several migration files in one text, each
/// introduced by a `-- file: NAME` line. In bad examples the line that must be
/// reported ends with `-- expect: <rule-id>`.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// The dialect the example is written in.
    pub dialect: Dialect,
    /// The files.
    pub text: &'static str,
}

/// A rule's declaration.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Kebab-case id, as in the master rule table.
    pub id: &'static str,
    /// The dialects it applies to.
    pub dialects: &'static [Dialect],
    /// Its level unless `migrate.toml` says otherwise.
    pub default_level: Level,
    /// Version ranges per dialect (empty: every version).
    pub versions: &'static [VersionGate],
    /// One line: what it catches.
    pub summary: &'static str,
    /// Why it hurts: the lock, what that blocks, since which server version.
    pub explanation: &'static str,
    /// The lock the statement takes and what it blocks ("" when not about locks).
    pub lock: &'static str,
    /// The safe way, shown as `help:`.
    pub safe_alternative: &'static str,
    /// What squawk, eugene, strong_migrations and Atlas call it.
    pub equivalents: &'static str,
    /// Examples that must be reported.
    pub bad: &'static [Example],
    /// Examples that must not be reported.
    pub good: &'static [Example],
    /// The check; `None` for structural rules raised by the pipeline itself.
    pub check: Option<fn(&Ctx<'_>, &Stmt, &mut Findings)>,
}

impl Rule {
    /// Whether the rule applies to this dialect at this server version.
    pub fn applies(&self, dialect: Dialect, version: ServerVersion) -> bool {
        self.dialects.contains(&dialect)
            && self
                .versions
                .iter()
                .filter(|g| g.dialect == dialect)
                .all(|g| {
                    g.since.is_none_or(|s| version >= s) && g.until.is_none_or(|u| version < u)
                })
    }
}

/// Which half of a migration a statement is in — or whether it is in a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// The up section.
    Up,
    /// The down section (checked as run right after its own up).
    Down,
    /// A seed file (reference data, checked after every migration, each in
    /// a transaction of its own).
    Seed,
}

/// What a rule knows when it looks at a statement.
pub struct Ctx<'a> {
    /// The dialect.
    pub dialect: Dialect,
    /// The oldest server version the migrations must be safe on.
    pub version: ServerVersion,
    /// The `mysql` dialect targets MariaDB (`mariadb_version` is set), and
    /// `version` is a MariaDB version.
    pub mariadb: bool,
    /// The schema just before this statement.
    pub schema: &'a Schema,
    /// The position of this migration in the ordered list.
    pub migration: MigrationIndex,
    /// Up or down.
    pub section: SectionKind,
    /// The runner wraps this section in a transaction.
    pub runner_transaction: bool,
    /// A transaction is open: the runner's, or one the section began.
    pub in_transaction: bool,
    /// The file the statement is in.
    pub file: &'a SourceFile,
    /// Every statement of the section (rules may look back, or ahead).
    pub statements: &'a [Stmt],
    /// This statement's position in `statements`.
    pub position: usize,
    /// What the earlier statements of the section did.
    pub state: &'a SectionState,
}

impl Ctx<'_> {
    /// True when the table was created earlier in this migration (in the
    /// down section: by its own up, too): nobody else holds or waits for
    /// locks on it, so locking it is harmless.
    pub fn is_new_table(&self, table: &str) -> bool {
        self.schema
            .table(table)
            .is_some_and(|t| t.created_in == self.migration)
    }

    /// True when the column was added earlier in this migration (with its
    /// table or by `ADD COLUMN`; in a down section, by its own up).
    pub fn is_new_column(&self, table: &str, column: &str) -> bool {
        self.schema
            .table(table)
            .and_then(|t| t.column(column))
            .is_some_and(|c| c.created_in == self.migration)
    }

    /// The source text of a statement.
    pub fn text(&self, stmt: &Stmt) -> &str {
        &self.file.text[stmt.span.clone()]
    }
}

/// One finding of a rule, before levels and suppressions are applied.
#[derive(Clone, Debug, Default)]
pub struct Finding {
    /// The span to point at (default: the statement).
    pub span: Option<Range<usize>>,
    /// The headline.
    pub message: String,
    /// The label under the span.
    pub label: String,
    /// Overrides the declared lock line.
    pub lock: Option<String>,
    /// Overrides the declared safe alternative.
    pub help: Option<String>,
    /// Extra notes, after the explanation.
    pub notes: Vec<String>,
    /// Reported at most as a warning, even when the rule's level is `error`
    /// (a rule whose severity depends on what it found).
    pub warning_only: bool,
}

/// Collects a rule's findings on one statement.
#[derive(Default)]
pub struct Findings {
    pub(crate) items: Vec<Finding>,
}

impl Findings {
    /// Reports a finding on the whole statement.
    pub fn report(&mut self, message: impl Into<String>, label: impl Into<String>) -> &mut Finding {
        self.items.push(Finding {
            message: message.into(),
            label: label.into(),
            ..Finding::default()
        });
        self.items.last_mut().expect("just pushed")
    }
}

/// Every rule: the structural ones first, then the statement rules.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    STRUCTURAL_RULES.iter().copied().chain(statement_rules())
}

/// Rules whose errors stay errors in a down section, where the others are
/// warnings unless `check_down = "strict"`: a down runs rarely, by hand or
/// after a failed deploy, and a lock it takes for a moment on the way back
/// is what its up already took on the way out (strong_migrations does not
/// check downs at all, `check_down = false`). What stays an error: a
/// statement that fails outright on the server, and one that destroys data
/// the up did not create (a drop of what existed before the up).
///
/// ```
/// use migrate_check::rules::{STAY_ERRORS_IN_DOWN, by_id};
/// assert!(STAY_ERRORS_IN_DOWN.contains(&"concurrently-in-transaction"));
/// assert!(!STAY_ERRORS_IN_DOWN.contains(&"change-column-type"));
/// assert!(STAY_ERRORS_IN_DOWN.iter().all(|id| by_id(id).is_some()));
/// ```
pub const STAY_ERRORS_IN_DOWN: &[&str] = &[
    // Fails on the server.
    "concurrently-in-transaction",
    "enum-add-value-in-transaction",
    "transaction-nesting",
    "uncommitted-transaction",
    "add-required-column",
    "add-stored-generated-column",
    "sqlite-unsupported-alter",
    "sqlite-add-column-restrictions",
    "sqlite-drop-column-restrictions",
    "sqlite-version-gated-alter",
    // Destroys data that existed before the up.
    "drop-table",
    "drop-column",
    "drop-schema-or-database",
    "drop-and-recreate-table",
    "truncate-cascade",
];

/// A rule by id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().find(|r| r.id == id)
}

/// The statement rules, group by group, in the order they run.
pub fn statement_rules() -> impl Iterator<Item = &'static Rule> {
    [
        common::RULES,
        postgres::indexes::RULES,
        postgres::columns::RULES,
        postgres::constraints::RULES,
        postgres::transactions::RULES,
        postgres::style::RULES,
        mysql::RULES,
        sqlite::RULES,
        seeds::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Shorthand for declarations.
pub(crate) const PG: Dialect = Dialect::Postgres;
pub(crate) const MY: Dialect = Dialect::MySql;
pub(crate) const LT: Dialect = Dialect::Sqlite;

#[cfg(test)]
mod tests;
