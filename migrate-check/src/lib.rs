//! The check engine of `migrate`: reads a migrations directory, parses every
//! statement with sqlparser, replays the migrations over a schema model, runs
//! the safety rules and reports diagnostics rendered like rustc's.
//!
//! It is a plain library — no proc-macro, no database — so that the macro,
//! the CLI and the tests share one pure entry point, [`check`].
//!
//! The pipeline, one module per stage: [`discover`] → [`directives`] →
//! [`parse`] (with [`recognize`]) → [`model`] → [`rules`] → [`diagnostics`].
#![warn(missing_docs)]

mod check;
pub mod config;
pub mod diagnostics;
pub mod directives;
pub mod discover;
pub mod locks;
pub mod model;
pub mod mysql_ddl;
pub mod parse;
pub mod recognize;
pub mod rules;
pub mod source;
pub mod statement;

pub use check::{
    History, Input, Migration, Report, Section, Seed, SeedInput, check, check_dir,
    check_with_seeds, read_seeds, seeds_dir_beside,
};
pub use config::{Config, Dialect, Level, ServerVersion};
pub use diagnostics::{Diagnostic, Severity};
pub use discover::{FileEntry, Layout, VersionOrder};
pub use source::SourceFile;
pub use statement::{DomainAction, Recognized, Stmt, StmtKind, TableAction};
