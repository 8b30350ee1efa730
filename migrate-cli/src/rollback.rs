//! `cargo migrate down`, `redo`, `baseline` and `resolve`: the runtime's
//! [`Migrator`] operations that move the history back or settle it.

use std::process::ExitCode;

use clap::{ArgGroup, Args};
use migrate_runtime::{Action, Migrator, Resolution};

use crate::database::{Target, connect, load, open};
use crate::output::{self, outln};
use crate::{Failure, session};

/// The arguments of `cargo migrate down`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("how_far").args(["to", "steps"])))]
pub struct DownArgs {
    #[command(flatten)]
    target: Target,

    /// Roll back every applied migration newer than VERSION (it stays
    /// applied); `0` rolls back everything.
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,

    /// Roll back the N newest applied migrations (default 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    steps: Option<u32>,

    /// Print what would run, with its SQL, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The arguments of `cargo migrate redo`.
#[derive(Debug, Args)]
pub struct RedoArgs {
    #[command(flatten)]
    target: Target,

    /// Print what would run, with its SQL, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The arguments of `cargo migrate baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Record every migration up to and including VERSION as applied,
    /// without running it. Refused unless the history is empty.
    #[arg(value_name = "VERSION")]
    version: String,

    #[command(flatten)]
    target: Target,

    /// Print what would be recorded and change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The arguments of `cargo migrate resolve`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("resolution").required(true).args(["applied", "rolled_back", "resume"])))]
pub struct ResolveArgs {
    /// The dirty migration's version.
    #[arg(value_name = "VERSION")]
    version: String,

    #[command(flatten)]
    target: Target,

    /// Its effects are all in place (you ran the rest by hand): record it as applied.
    #[arg(long)]
    applied: bool,

    /// None of its effects remain (you undid them by hand): forget it, so the next `up` runs it from the start.
    #[arg(long)]
    rolled_back: bool,

    /// The statement reached did not take effect and its cause is fixed: run the section on from it.
    #[arg(long)]
    resume: bool,
}

fn print_plan(plan: &migrate_runtime::Plan, empty: &str) {
    if plan.is_empty() {
        outln!("{empty}");
    } else {
        outln!("{plan}");
    }
}

/// `down`: rolls back one migration, `--steps N` or down to `--to VERSION`.
pub fn down(args: &DownArgs) -> Result<ExitCode, Failure> {
    let (migrations, mut db) = open(&args.target, args.dry_run)?;
    let migrator = Migrator::new(migrations);
    let applied = session::applied(&session::status(&migrator, &mut db)?);
    let to = match (&args.to, args.steps) {
        (Some(v), _) => session::target_for(&migrator, v),
        (None, steps) => {
            if applied.is_empty() {
                outln!("nothing to roll back: no migration is applied");
                return Ok(ExitCode::SUCCESS);
            }
            session::steps_target(&applied, steps.unwrap_or(1) as usize)
        }
    };
    // Validates the history and refuses an irreversible migration before
    // anything is rolled back.
    let plan = migrator
        .plan(&mut db, Action::RollbackTo(to))
        .map_err(|e| session::failure(&e))?;
    if args.dry_run {
        print_plan(&plan, "nothing to roll back");
        return Ok(ExitCode::SUCCESS);
    }
    let outcome = session::revert(&migrator, &mut db, &plan.steps, &applied);
    if outcome.done.is_empty() && outcome.failed.is_none() {
        outln!("nothing to roll back");
    } else if !outcome.done.is_empty() {
        outln!(
            "rolled back {}:{}",
            outcome.done.len(),
            output::lines(outcome.done.iter().map(|m| session::label(m)), "  ")
        );
    }
    match outcome.failed {
        Some((_, e)) => Err(session::failure(&e)),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `redo`: rolls back the newest applied migration and applies it again.
pub fn redo(args: &RedoArgs) -> Result<ExitCode, Failure> {
    let (migrations, mut db) = open(&args.target, args.dry_run)?;
    let migrator = Migrator::new(migrations);
    if args.dry_run {
        let plan = migrator
            .plan(&mut db, Action::Redo)
            .map_err(|e| session::failure(&e))?;
        print_plan(&plan, "nothing to redo");
        return Ok(ExitCode::SUCCESS);
    }
    let report = migrator.redo(&mut db).map_err(|e| session::failure(&e))?;
    for step in &report.steps {
        outln!(
            "{} {} {}",
            match step.kind {
                migrate_runtime::StepKind::Revert => "rolled back",
                migrate_runtime::StepKind::Apply => "applied",
                migrate_runtime::StepKind::Record => "recorded",
            },
            step.migration.version,
            step.migration.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `baseline VERSION`: records migrations as applied without running them.
pub fn baseline(args: &BaselineArgs) -> Result<ExitCode, Failure> {
    let (migrations, mut db) = open(&args.target, args.dry_run)?;
    let migrator = Migrator::new(migrations);
    if args.dry_run {
        let plan = migrator
            .plan(
                &mut db,
                Action::Baseline(session::target_for(&migrator, &args.version)),
            )
            .map_err(|e| session::failure(&e))?;
        print_plan(&plan, "nothing to record");
        return Ok(ExitCode::SUCCESS);
    }
    let report = migrator
        .baseline(&mut db, session::target_for(&migrator, &args.version))
        .map_err(|e| session::failure(&e))?;
    outln!(
        "recorded {} as applied without running them:{}",
        report.steps.len(),
        output::lines(
            report.steps.iter().map(|s| session::label(s.migration)),
            "  "
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `resolve VERSION --applied | --rolled-back | --resume`.
pub fn resolve(args: &ResolveArgs) -> Result<ExitCode, Failure> {
    let (migrations, url) = load(&args.target)?;
    let mut db = connect(&url)?;
    let migrator = Migrator::new(migrations);
    let resolution = if args.applied {
        Resolution::Applied
    } else if args.rolled_back {
        Resolution::RolledBack
    } else {
        Resolution::Resume
    };
    let report = migrator
        .resolve(
            &mut db,
            session::target_for(&migrator, &args.version),
            resolution,
        )
        .map_err(|e| session::failure(&e))?;
    match resolution {
        Resolution::Applied => outln!("{} is recorded as applied", args.version),
        Resolution::RolledBack => outln!(
            "{} is no longer recorded: the next `cargo migrate up` applies it from the start",
            args.version
        ),
        Resolution::Resume => outln!(
            "resumed {}; applied:{}",
            args.version,
            output::lines(
                report.steps.iter().map(|s| session::label(s.migration)),
                "  "
            )
        ),
    }
    Ok(ExitCode::SUCCESS)
}
