//! `cargo-migrate`: the command-line face of `migrate`.
//!
//! Runs as a cargo subcommand (`cargo migrate lint`, where cargo passes
//! `migrate` as the first argument) or directly (`cargo-migrate lint`).
//!
//! Exit codes: 0 success, 1 when the command found errors (an error-level
//! diagnostic), 2 for usage errors and for inputs that cannot be read (the
//! migrations directory, `migrate.toml`).
//!
//! A closed pipe (`cargo migrate status | head -1`) is not an error: the
//! output stops there, silently, the command runs to its end (one that
//! changes the database is never cut short by its reader going away) and the
//! exit code is the one it would have had. See `output`.

// Every line goes through `output` (`outln!`, `errln!`, `emit`), which
// survives a closed pipe: `println!` would panic on one.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod adopt;
mod annotations;
mod config;
mod database;
mod deploy;
mod init;
mod lint;
mod new;
mod output;
mod progress;
mod rollback;
mod seed;
mod session;
mod verify;

/// SQL migrations checked at compile time: lint, inspect and apply them from the command line.
#[derive(Debug, Parser)]
#[command(name = "cargo-migrate", bin_name = "cargo migrate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Set up a crate: `migrations/`, `migrate.toml` and the `build.rs` that rebuilds on new files.
    Init(init::InitArgs),
    /// Create a timestamped migration with up and down templates.
    New(new::NewArgs),
    /// Check a migrations directory: parse every statement and run the safety rules.
    Lint(lint::LintArgs),
    /// Show every migration's state in the database: applied, pending, dirty, changed, missing.
    Status(database::StatusArgs),
    /// Apply pending migrations (all, or up to --to), or print the plan with --dry-run.
    Up(database::UpArgs),
    /// Roll back applied migrations (one by default, --steps N, or down to --to).
    Down(rollback::DownArgs),
    /// Roll back the newest applied migration and apply it again.
    Redo(rollback::RedoArgs),
    /// Record migrations up to VERSION as applied without running them (existing schema).
    Baseline(rollback::BaselineArgs),
    /// Settle a dirty migration after checking the database by hand.
    Resolve(rollback::ResolveArgs),
    /// Take over a database migrated by sqlx, diesel, refinery, dbmate, golang-migrate or Flyway: record what it applied.
    Adopt(adopt::AdoptArgs),
    /// Lint, then apply; roll back what this run applied if a migration fails.
    Deploy(deploy::DeployArgs),
    /// Apply, revert and re-apply every migration on a scratch database: report each down that does not reverse its up.
    Verify(verify::VerifyArgs),
    /// Apply pending migrations, then the seeds (reference data) that are new or changed, for --env.
    Seed(seed::SeedArgs),
}

/// A failure that is not a finding: bad usage, unreadable input, bad config.
/// Printed as `error: …` on stderr; the process exits with 2.
#[derive(Debug)]
pub struct Failure(pub String);

/// Exit code when the command found errors.
pub const EXIT_FOUND_ERRORS: u8 = 1;
/// Exit code for usage errors and unreadable input.
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(cargo_args(std::env::args_os())) {
        Ok(cli) => cli,
        // Prints help/version (exit 0) or the usage error (exit 2).
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Status(args) => database::status(&args),
        Command::Up(args) => database::up(&args),
        Command::Init(args) => init::run(&args),
        Command::New(args) => new::run(&args),
        Command::Down(args) => rollback::down(&args),
        Command::Redo(args) => rollback::redo(&args),
        Command::Baseline(args) => rollback::baseline(&args),
        Command::Resolve(args) => rollback::resolve(&args),
        Command::Adopt(args) => adopt::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Seed(args) => seed::run(&args),
    };
    let code = match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            output::error_line(&message);
            ExitCode::from(EXIT_USAGE)
        }
    };
    output::finish(code)
}

/// The arguments without the `migrate` that cargo inserts when it runs
/// `cargo migrate …` as `cargo-migrate migrate …`.
fn cargo_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "migrate") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn cargo_inserted_name_is_dropped_once() {
        assert_eq!(
            cargo_args(os(&["cargo-migrate", "migrate", "lint"])),
            os(&["cargo-migrate", "lint"])
        );
        assert_eq!(
            cargo_args(os(&["cargo-migrate", "lint", "migrate"])),
            os(&["cargo-migrate", "lint", "migrate"])
        );
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
