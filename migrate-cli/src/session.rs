//! Running a plan one migration at a time through the runtime's
//! [`Migrator`], so that the CLI can show progress and knows exactly which
//! migrations this process applied or rolled back when one fails.
//!
//! Each step is a `run_to` / `rollback_to` call of its own: the runtime
//! validates the history, takes the migration lock and re-reads the history
//! under it every time, so a step that another runner carried out meanwhile
//! does nothing (and is reported as such).

use migrate_check::discover::compare_parts;
use migrate_runtime::{
    AnyBackend, Error, Migration, MigrationStatus, Migrator, PlannedStep, Resolution, State,
    StepKind, Target,
};

use crate::Failure;
use crate::progress::{Progress, human};

/// What a stepwise run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The migrations this process applied or rolled back, in order.
    pub done: Vec<&'static Migration>,
    /// The error that stopped the run, with the migration being run (`None`
    /// when the history itself was refused).
    pub failed: Option<(Option<&'static Migration>, Error)>,
}

/// `version name`, for messages.
pub fn label(m: &Migration) -> String {
    format!("{} {}", m.version, m.name)
}

/// The migrations recorded as applied (changed ones included), oldest first.
pub fn applied(rows: &[MigrationStatus]) -> Vec<&'static Migration> {
    rows.iter()
        .filter(|r| matches!(r.state, State::Applied | State::Changed { .. }))
        .filter_map(|r| r.migration)
        .collect()
}

/// The target a version given on the command line names: the migration
/// whose version is written exactly so (diesel's `2020-01-01-000000`
/// included), else the text parsed as a version (`3`, `0`, `1.2`).
pub fn target_for(migrator: &Migrator, text: &str) -> Target {
    migrator
        .migrations()
        .migrations()
        .iter()
        .find(|m| m.version.text == text)
        .map_or_else(|| Target::from(text), Target::from)
}

/// Reads every migration's state.
pub fn status(migrator: &Migrator, db: &mut AnyBackend) -> Result<Vec<MigrationStatus>, Failure> {
    migrator.status(db).map_err(|e| failure(&e))
}

/// A runtime error as a CLI failure, its advice naming the shell commands.
pub fn failure(e: &Error) -> Failure {
    Failure(with_cli_hint(e))
}

/// The `cargo migrate resolve` command that settles a dirty migration.
pub fn resolve_command(version: &str, resolution: Resolution) -> String {
    let flag = match resolution {
        Resolution::Applied => "--applied",
        Resolution::RolledBack => "--rolled-back",
        Resolution::Resume => "--resume",
    };
    format!("cargo migrate resolve {version} {flag}")
}

/// The error's message as the CLI shows it: where the runtime's advice
/// names a Rust call (`migrator.resolve(&mut conn, …)`), the shell command
/// (`cargo migrate resolve …`) instead.
pub fn with_cli_hint(e: &Error) -> String {
    e.display_with(&resolve_command).to_string()
}

/// Applies what is pending (up to and including `to`), oldest first, one
/// migration per lock, stopping at the first failure.
///
/// The candidates come from [`Migrator::status`], which takes no lock and
/// fails on nothing: a migration that another runner is applying right now
/// shows as pending or dirty there, and its `run_to` then waits for the lock
/// and finds it applied. A last `run` / `run_to` validates the whole history
/// under the lock and applies anything the first pass did not see.
pub fn apply_pending(
    migrator: &Migrator,
    db: &mut AnyBackend,
    to: Option<&str>,
) -> Result<Outcome, Failure> {
    let rows = status(migrator, db)?;
    let to = to.map(|v| target_for(migrator, v));
    let limit = match &to {
        Some(target) => {
            let Some(parts) = target
                .parts()
                .and_then(|_| migrator.migrations().key_of(target.text()))
            else {
                return Err(failure(&Error::InvalidTarget {
                    target: target.text().to_owned(),
                }));
            };
            Some(parts)
        }
        None => None,
    };
    let candidates: Vec<&'static Migration> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.state,
                State::Pending | State::PendingOutOfOrder | State::Dirty { .. }
            )
        })
        .filter_map(|r| r.migration)
        .filter(|m| {
            limit
                .as_deref()
                .is_none_or(|l| compare_parts(m.version.parts, l).is_le())
        })
        .collect();
    let progress = Progress::new(candidates.len());
    let mut outcome = Outcome::default();
    let record = |outcome: &mut Outcome, i: usize, report: migrate_runtime::Report| {
        for s in &report.steps {
            outcome.done.push(s.migration);
            progress.done(
                i,
                &format!("applied {} in {}", label(s.migration), human(s.duration)),
            );
        }
    };
    for (i, m) in candidates.iter().copied().enumerate() {
        progress.start(i, &format!("applying {}", label(m)));
        match migrator.run_to(db, Target::from(m)) {
            Ok(report) if report.steps.is_empty() => {
                progress.done(
                    i,
                    &format!("{}: applied meanwhile by another runner", label(m)),
                );
            }
            Ok(report) => record(&mut outcome, i, report),
            Err(e) => {
                progress.done(i, &format!("FAILED {}", label(m)));
                outcome.failed = Some((Some(m), e));
                return Ok(outcome);
            }
        }
    }
    let last = match to {
        Some(target) => migrator.run_to(db, target),
        None => migrator.run(db),
    };
    match last {
        Ok(report) => record(&mut outcome, candidates.len().saturating_sub(1), report),
        Err(e) => outcome.failed = Some((None, e)),
    }
    progress.finish();
    Ok(outcome)
}

/// Rolls back the `Revert` steps of a plan, newest first. `applied` is the
/// list of applied versions (oldest first) when the plan was made: the
/// target of each step is the applied version just before it.
pub fn revert(
    migrator: &Migrator,
    db: &mut AnyBackend,
    steps: &[PlannedStep],
    applied: &[&'static Migration],
) -> Outcome {
    let progress = Progress::new(steps.len());
    let mut outcome = Outcome::default();
    for (i, step) in steps.iter().enumerate() {
        let m = step.migration;
        if step.kind != StepKind::Revert {
            continue;
        }
        let target = previous(applied, m);
        progress.start(i, &format!("rolling back {}", label(m)));
        match migrator.rollback_to(db, target) {
            Ok(report) if report.steps.is_empty() => {
                progress.done(
                    i,
                    &format!("{}: rolled back meanwhile by another runner", label(m)),
                );
            }
            Ok(report) => {
                for s in &report.steps {
                    outcome.done.push(s.migration);
                    progress.done(
                        i,
                        &format!(
                            "rolled back {} in {}",
                            label(s.migration),
                            human(s.duration)
                        ),
                    );
                }
            }
            Err(e) => {
                progress.done(i, &format!("FAILED to roll back {}", label(m)));
                outcome.failed = Some((Some(m), e));
                break;
            }
        }
    }
    progress.finish();
    outcome
}

/// The applied migration just before `m` (the start, before every
/// migration, when it is the oldest: a version `0` is a migration too).
fn previous(applied: &[&'static Migration], m: &Migration) -> Target {
    applied
        .iter()
        .rfind(|a| compare_parts(a.version.parts, m.version.parts).is_lt())
        .map_or(Target::start(), |a| Target::from(*a))
}

/// The target of `down --steps N`: the applied migration that stays newest,
/// or the start when all are rolled back.
pub fn steps_target(applied: &[&'static Migration], steps: usize) -> Target {
    if steps >= applied.len() {
        Target::start()
    } else {
        Target::from(applied[applied.len() - 1 - steps])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_runtime::{Section, Version};

    const fn m(version: &'static str, parts: &'static [u64]) -> Migration {
        Migration {
            version: Version::new(version, parts),
            name: "x",
            up: Section {
                statements: &[],
                transactional: true,
                file: "x.sql",
            },
            down: None,
            irreversible: None,
            checksum: "sha256:00",
        }
    }

    static M1: Migration = m("1", &[1]);
    static M2: Migration = m("2", &[2]);
    static M9: Migration = m("9", &[9]);
    static M10: Migration = m("10", &[10]);

    #[test]
    fn steps_count_back_from_the_newest() {
        let applied = [&M1, &M2, &M9];
        assert_eq!(steps_target(&applied, 1).text(), "2");
        assert_eq!(steps_target(&applied, 2).text(), "1");
        assert!(steps_target(&applied, 3).is_zero());
        assert!(steps_target(&applied, 9).is_zero());
        assert!(steps_target(&[], 1).is_zero());
    }

    #[test]
    fn the_previous_applied_version_is_numeric() {
        assert_eq!(previous(&[&M2, &M9, &M10], &M10).text(), "9");
        assert!(previous(&[&M10], &M10).is_zero());
    }
}
