//! `cargo migrate lint`: check a migrations directory without a database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use migrate_check::{Config, Dialect, Input, SeedInput, discover};

use crate::{EXIT_FOUND_ERRORS, Failure, annotations, config, output};

/// The arguments of `cargo migrate lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// The migrations directory (default: `migrations_dir` in migrate.toml,
    /// else `migrations`).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The migrations directory, as the other commands take it (instead of DIR).
    #[arg(long = "dir", value_name = "DIR", conflicts_with = "dir")]
    pub dir_option: Option<PathBuf>,

    /// The SQL dialect: postgres, mysql or sqlite (overrides `dialect` in migrate.toml).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<Dialect>,

    /// Read the settings from FILE instead of ./migrate.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The seeds directory, checked after the migrations (default: `seeds`
    /// beside the migrations directory, when there is one).
    #[arg(long, value_name = "DIR")]
    pub seeds: Option<PathBuf>,

    /// Check every migration, those up to and including `checked_after` of
    /// migrate.toml too: they are history, whose findings are otherwise not
    /// reported (the migrations `cargo migrate init` found in place). The
    /// setting is left as it is.
    #[arg(long)]
    pub all: bool,

    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics rendered like rustc's, then a summary line.
    Human,
    /// A JSON object on stdout, for tools: `diagnostics` (an array) and
    /// `totals` (migrations, seeds, statements, errors, warnings, files).
    Json,
    /// A SARIF 2.1.0 log, for GitHub code scanning (`upload-sarif`).
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding, then the summary.
    Github,
}

/// The settings of the check: migrate.toml's, with the options applied.
fn settings(args: &LintArgs, mut config: Config) -> Config {
    if let Some(dialect) = args.dialect {
        config.dialect = dialect;
    }
    if args.all {
        config.checked_after = None;
    }
    config
}

/// Runs the check and prints its findings. `Ok` carries exit code 0 (no
/// error-level diagnostic) or 1; `Err` is a failure to run it at all.
pub fn run(args: &LintArgs) -> Result<ExitCode, Failure> {
    let loaded = config::load(args.config.as_deref())?;
    let config = settings(args, loaded.config);
    let dir = &config::migrations_dir(args.dir_option.as_deref().or(args.dir.as_deref()), &config);
    let display_dir = dir.to_string_lossy().into_owned();
    let entries = discover::read_dir(dir).map_err(|e| {
        Failure(if dir.is_dir() {
            // The directory was listed; one of its files could not be read
            // (the io error does not say which).
            format!("cannot read a file of migrations directory `{display_dir}`: {e}")
        } else if dir.exists() {
            format!("`{display_dir}` is not a directory: give the migrations directory")
        } else {
            format!("cannot read migrations directory `{display_dir}`: {e}")
        })
    })?;
    let seeds_dir = args
        .seeds
        .clone()
        .unwrap_or_else(|| migrate_check::seeds_dir_beside(dir));
    let seeds = if args.seeds.is_some() || seeds_dir.is_dir() {
        let shown = seeds_dir.to_string_lossy().into_owned();
        SeedInput {
            entries: migrate_check::read_seeds(&seeds_dir)
                .map_err(|e| Failure(format!("cannot read seeds directory `{shown}`: {e}")))?,
            display_dir: shown,
        }
    } else {
        SeedInput::default()
    };
    let report = migrate_check::check_with_seeds(
        Input {
            entries,
            display_dir,
            config,
            config_source: loaded.source,
        },
        seeds,
    );
    match args.format {
        Format::Human => output::human(&report),
        Format::Json => output::json(&report)?,
        Format::Sarif => output::emit_json(&annotations::sarif(&report))?,
        Format::Github => {
            let mut text = annotations::github(&report);
            text.push_str(&output::history_note(&report, false));
            text.push_str(&output::summary(&report, false));
            text.push('\n');
            output::emit(&text)
        }
    }
    Ok(if report.has_errors() {
        ExitCode::from(EXIT_FOUND_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        lint: LintArgs,
    }

    fn args(argv: &[&str]) -> LintArgs {
        Cli::parse_from(std::iter::once("lint").chain(argv.iter().copied())).lint
    }

    #[test]
    fn all_checks_the_history_too() {
        let config = Config::from_toml("checked_after = \"20240101\"").unwrap();
        assert_eq!(
            settings(&args(&[]), config.clone())
                .checked_after
                .as_deref(),
            Some("20240101")
        );
        assert_eq!(settings(&args(&["--all"]), config).checked_after, None);
    }
}
