//! `cargo migrate seed`: applies the pending migrations, then the seeds — the
//! `.sql` files of the `seeds` directory beside the migrations (or
//! `--seeds DIR`) — each in one transaction, recorded with its checksum so
//! that a seed runs again only when it changed. `--env E` (or `MIGRATE_ENV`)
//! adds the seeds limited to `E` by `-- migrate:env(…)` to the unrestricted
//! ones.
//!
//! The migrations and the seeds are checked exactly as `embed_migrations!`
//! checks them: nothing runs when the check finds an error (a seed that is
//! not idempotent, say).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use migrate_check::{Input, SeedInput, check_with_seeds, discover, read_seeds, seeds_dir_beside};
use migrate_runtime::{DatabaseUrl, Dialect, Migrator, Seed, SeedOutcome};

use crate::database::{Target, leak_table};
use crate::output::outln;
use crate::{Failure, config, output};

/// The arguments of `cargo migrate seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    #[command(flatten)]
    target: Target,

    /// The seeds directory (default: `seeds` beside the migrations directory).
    #[arg(long, value_name = "DIR")]
    seeds: Option<PathBuf>,

    /// The environment: the seeds limited to it by `-- migrate:env(…)` run
    /// too. Without it only the seeds limited to no environment run.
    #[arg(long, value_name = "ENV", env = "MIGRATE_ENV", hide_env_values = true)]
    env: Option<String>,
}

/// `cargo migrate seed`.
pub fn run(args: &SeedArgs) -> Result<ExitCode, Failure> {
    let env = args.env.as_deref().filter(|e| !e.is_empty());
    if let Some(env) = env
        && !migrate_check::directives::is_environment_name(env)
    {
        return Err(Failure(format!(
            "invalid environment `{env}`: use lower-case letters, digits, `_` and `-`, starting with a letter, as in `-- migrate:env(…)`"
        )));
    }
    let target = &args.target;
    let url = DatabaseUrl::parse(&target.database_url).map_err(|e| Failure(e.to_string()))?;
    let loaded = config::load(target.config.as_deref())?;
    let mut config = loaded.config;
    config.dialect = match url.dialect() {
        Dialect::Postgres => migrate_check::Dialect::Postgres,
        Dialect::MySql => migrate_check::Dialect::MySql,
        Dialect::Sqlite => migrate_check::Dialect::Sqlite,
    };
    let dir = config::migrations_dir(target.dir.as_deref(), &config);
    let display_dir = dir.to_string_lossy().into_owned();
    let entries = discover::read_dir(&dir).map_err(|e| {
        Failure(format!(
            "cannot read migrations directory `{display_dir}`: {e}"
        ))
    })?;
    let seeds_dir = args.seeds.clone().unwrap_or_else(|| seeds_dir_beside(&dir));
    let seeds_display = seeds_dir.to_string_lossy().into_owned();
    if !seeds_dir.is_dir() {
        let how = if args.seeds.is_some() {
            "check the path given with --seeds"
        } else {
            "put the seed files in `seeds` beside the migrations directory, or name their directory with --seeds"
        };
        return Err(Failure(format!(
            "no seeds directory `{seeds_display}`: {how}"
        )));
    }
    let seed_entries = read_seeds(&seeds_dir).map_err(|e| {
        Failure(format!(
            "cannot read seeds directory `{seeds_display}`: {e}"
        ))
    })?;
    let history = config.history_table.clone();
    let report = check_with_seeds(
        Input {
            entries,
            display_dir,
            config,
            config_source: loaded.source,
        },
        SeedInput {
            entries: seed_entries,
            display_dir: seeds_display,
        },
    );
    if report.has_errors() {
        output::human(&report);
        return Err(Failure(
            "the migrations or seeds fail the check (above): nothing was run; `cargo migrate lint` shows the same".into(),
        ));
    }

    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let seeds: Vec<Seed> = report
        .seeds
        .iter()
        .map(|s| Seed {
            name: leak(&s.name),
            file: leak(&report.files[s.section.file].path),
            environments: Box::leak(
                s.environments
                    .iter()
                    .map(|e| leak(e))
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            ),
            statements: crate::database::leak_statements(&report, &s.section),
            checksum: leak(&s.checksum),
        })
        .collect();
    let seeds_table = leak(&format!("{history}_seeds"));
    let migrations = *leak_table(&report, url.dialect(), history);
    let table = Box::leak(Box::new(
        migrations.with_seeds(Box::leak(seeds.into_boxed_slice()), seeds_table),
    ));

    let mut db = url.connect().map_err(|e| Failure(e.to_string()))?;
    let done = Migrator::new(table)
        .seed(&mut db, env)
        .map_err(|e| crate::session::failure(&e))?;
    let applied = &done.migrations.steps;
    if !applied.is_empty() {
        outln!(
            "applied {} migration(s) first:{}",
            applied.len(),
            output::lines(
                applied
                    .iter()
                    .map(|s| format!("{} {}", s.migration.version, s.migration.name)),
                "  "
            )
        );
    }
    let (mut ran, mut unchanged, mut skipped) = (0, 0, 0);
    for s in &done.seeds {
        match s.outcome {
            SeedOutcome::Applied | SeedOutcome::Changed => ran += 1,
            SeedOutcome::Unchanged => unchanged += 1,
            SeedOutcome::OtherEnvironment => skipped += 1,
        }
        let shown = match s.outcome {
            SeedOutcome::OtherEnvironment => {
                format!("skipped (only in {})", s.seed.environments.join(", "))
            }
            _ if s.outcome.ran() => format!("{} in {} ms", s.outcome, s.duration.as_millis()),
            _ => s.outcome.to_string(),
        };
        outln!("{:<40} {shown}", s.seed.name);
    }
    outln!(
        "\n{ran} seed(s) ran, {unchanged} unchanged, {skipped} for other environments (environment: {}; {})",
        env.unwrap_or("none"),
        url.redacted()
    );
    Ok(ExitCode::SUCCESS)
}
