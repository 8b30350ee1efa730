//! `cargo migrate deploy`: lint, apply, and if a migration fails, roll back
//! what this run applied — automated rollback for CI/CD without a
//! point-in-time restore.
//!
//! 1. The directory is checked for the database's dialect; any error-level
//!    finding refuses the deploy (exit 1) before connecting.
//! 2. The pending migrations are applied one by one (each under the
//!    migration lock), remembering which ones this process applied.
//! 3. If one fails, the state it left decides what happens:
//!    - it left nothing behind (a transactional section rolled back, or a
//!      tracked section whose first statement failed and was un-marked):
//!      the migrations this run applied are rolled back, newest first, with
//!      their down sections;
//!    - it is recorded dirty with **no** statement done on MySQL/MariaDB or
//!      SQLite: the one statement that failed had no effect (a failed
//!      statement is atomic there: MySQL 8.0 and MariaDB 10.6+ have atomic
//!      DDL), so its record is removed (`resolve --rolled-back`) and the run
//!      is rolled back as above;
//!    - it is recorded dirty after some statements took effect, or on
//!      PostgreSQL at all (only sections outside a transaction can be dirty
//!      there, and a failed `CREATE INDEX CONCURRENTLY` leaves an INVALID
//!      index behind): nothing is rolled back, because the earlier
//!      migrations' down sections could run under a half-applied one. The
//!      report says what to check and which `cargo migrate resolve` settles
//!      it, then `cargo migrate down --to <version before the deploy>`.
//! 4. A migration of this run without a down section stops the rollback
//!    there: it and the ones before it stay applied, and the report says so.
//!    If another runner applied migrations meanwhile, nothing is rolled back.
//!
//! Exit codes: 0 deployed (or nothing to do), 1 refused by the check or a
//! migration failed (rolled back or not: see the report), 2 could not start.

use std::process::ExitCode;

use clap::Args;
use migrate_runtime::{Action, AnyBackend, Dialect, Error, Migration, Migrator, Resolution, State};

use crate::database::{Target, connect, load_checked};
use crate::output::outln;
use crate::session::{self, label};
use crate::{EXIT_FOUND_ERRORS, Failure, output};

/// The arguments of `cargo migrate deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    target: Target,

    /// On failure, leave what this run applied in place instead of rolling it back.
    #[arg(long)]
    no_rollback: bool,
}

/// The migrations one per line under a heading indented by `indent`
/// (` none` when there are none).
fn list(done: &[&'static Migration], indent: &str) -> String {
    if done.is_empty() {
        " none".to_owned()
    } else {
        output::lines(done.iter().map(|m| label(m)), indent)
    }
}

/// Runs the deploy.
pub fn run(args: &DeployArgs) -> Result<ExitCode, Failure> {
    let (migrations, url) = match load_checked(&args.target)? {
        Ok(loaded) => loaded,
        Err(report) => {
            output::human(&report);
            output::error_line(
                "deploy refused: the migrations fail the check (above); nothing was applied",
            );
            return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
        }
    };
    outln!(
        "lint: {} migrations pass the check",
        migrations.migrations().len()
    );
    let mut db = connect(&url)?;
    let migrator = Migrator::new(migrations);
    let before = session::applied(&session::status(&migrator, &mut db)?);
    outln!("deploying to {}", url.redacted());
    let outcome = session::apply_pending(&migrator, &mut db, None)?;
    let mut applied: Vec<&'static Migration> = outcome.done.clone();
    let Some((failed, error)) = outcome.failed else {
        if applied.is_empty() {
            outln!("nothing to deploy: the database is up to date");
        } else {
            outln!("deployed {}:{}", applied.len(), list(&applied, "  "));
        }
        return Ok(ExitCode::SUCCESS);
    };
    let statement_failed = matches!(error, Error::Statement(_));
    if applied.is_empty() && !statement_failed {
        // Refused before anything ran: a dirty or edited history, a lock timeout.
        output::error_line(&format!(
            "deploy refused: {}; nothing was applied",
            session::with_cli_hint(&error)
        ));
        return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
    }

    match failed {
        Some(m) => outln!("\ndeploy FAILED at {}", label(m)),
        None => outln!("\ndeploy FAILED"),
    }
    outln!("  applied by this run:{}", list(&applied, "    "));
    outln!("  failed: {}", session::with_cli_hint(&error));
    let before_text = before
        .last()
        .map_or("no migration applied".to_owned(), |v| {
            format!("{} the newest applied", v.version)
        });
    let back_to = before
        .last()
        .map_or_else(|| "0".to_owned(), |m| m.version.text.to_owned());

    // What the failed migration left behind (`None`: the history was refused
    // after this run's migrations, which are then all in place).
    let state = match failed {
        None => Some(State::Pending),
        Some(failed) => session::status(&migrator, &mut db)
            .ok()
            .and_then(|rows| {
                rows.into_iter()
                    .find(|r| r.migration.is_some_and(|m| std::ptr::eq(m, failed)))
            })
            .map(|r| r.state),
    };
    match (failed, state) {
        (_, Some(State::Pending | State::PendingOutOfOrder)) => {}
        (Some(failed), Some(State::Applied)) => {
            // It committed, then something after failed: it is this run's too.
            applied.push(failed);
        }
        (
            Some(failed),
            Some(State::Dirty {
                statements_done: 0, ..
            }),
        ) if statement_failed && url.dialect() != Dialect::Postgres => {
            match migrator.resolve(&mut db, failed.version.text, Resolution::RolledBack) {
                Ok(_) => outln!(
                    "  {} was recorded dirty before any statement took effect (the failed \
                     statement is atomic on {}): its record was removed",
                    label(failed),
                    url.dialect().name()
                ),
                Err(e) => {
                    outln!(
                        "  could not clear the record of {}: {}",
                        label(failed),
                        session::with_cli_hint(&e)
                    );
                    return Ok(not_rolled_back(&applied, failed, &back_to, &before_text));
                }
            }
        }
        (
            Some(failed),
            Some(State::Dirty {
                statements_done, ..
            }),
        ) => {
            outln!(
                "  {} is DIRTY: it runs outside a transaction and stopped after {statements_done} \
                 statement(s) took effect{}",
                label(failed),
                if url.dialect() == Dialect::Postgres {
                    " (on PostgreSQL a failed `CREATE INDEX CONCURRENTLY` also leaves an INVALID index)"
                } else {
                    ""
                }
            );
            return Ok(not_rolled_back(&applied, failed, &back_to, &before_text));
        }
        (Some(failed), other) => {
            outln!(
                "  the state of {} could not be established ({}): nothing is rolled back",
                label(failed),
                match other {
                    None => "the history could not be read".to_owned(),
                    Some(s) => format!("{s:?}"),
                }
            );
            return Ok(not_rolled_back(&applied, failed, &back_to, &before_text));
        }
        (None, _) => {}
    }

    if args.no_rollback {
        outln!("  not rolled back (--no-rollback): the migrations above stay applied");
        return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
    }
    if applied.is_empty() {
        outln!("  nothing to roll back: the database is as before this deploy ({before_text})");
        return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
    }
    rollback(&migrator, &mut db, &applied, &before, &before_text);
    Ok(ExitCode::from(EXIT_FOUND_ERRORS))
}

/// The failed migration is dirty: explains why nothing is rolled back and
/// what to do.
fn not_rolled_back(
    applied: &[&'static Migration],
    failed: &'static Migration,
    back_to: &str,
    before_text: &str,
) -> ExitCode {
    let v = failed.version.text;
    outln!(
        "  NOT rolled back: the migrations this run applied before it stay applied, because \
         their down sections could fail or destroy data under a half-applied {v}:{}",
        list(applied, "    ")
    );
    outln!(
        "  what to do: check in the database which statements of {v} took effect, then either\n\
         \x20   - fix the cause and continue it: `cargo migrate resolve {v} --resume`, or\n\
         \x20   - undo what took effect by hand, then: `cargo migrate resolve {v} --rolled-back`, or\n\
         \x20   - finish it by hand, then: `cargo migrate resolve {v} --applied`;\n\
         \x20   to take the whole deploy back after that: `cargo migrate down --to {back_to}` \
         (before this deploy: {before_text})"
    );
    ExitCode::from(EXIT_FOUND_ERRORS)
}

/// Rolls back this run's migrations, newest first, stopping at one without a
/// down section.
fn rollback(
    migrator: &Migrator,
    db: &mut AnyBackend,
    applied: &[&'static Migration],
    before: &[&'static Migration],
    before_text: &str,
) {
    let now = match session::status(migrator, db) {
        Ok(rows) => session::applied(&rows),
        Err(Failure(e)) => {
            outln!("  NOT rolled back: the history could not be read: {e}");
            return;
        }
    };
    // Only if the applied migrations newer than the starting point are
    // exactly this run's: another runner's work is not ours to undo.
    let ours: Vec<&str> = applied.iter().map(|m| m.version.text).collect();
    let text = |list: &[&'static Migration]| -> Vec<&'static str> {
        list.iter().map(|m| m.version.text).collect()
    };
    let newer = text(&now[before.len().min(now.len())..]);
    if now.len() < before.len() || text(&now[..before.len()]) != text(before) || newer != ours {
        outln!(
            "  NOT rolled back: the history changed meanwhile; roll back by hand with \
             `cargo migrate down --to <version>`. Applied now after {before_text}:{}",
            output::lines(&newer, "    ")
        );
        return;
    }
    // A migration without a down section stays, with everything before it.
    let mut target = before.last().map_or(migrate_runtime::Target::start(), |m| {
        migrate_runtime::Target::from(*m)
    });
    let mut kept = None;
    if let Some(i) = applied.iter().rposition(|m| m.down.is_none()) {
        target = migrate_runtime::Target::from(applied[i]);
        kept = Some(applied[i]);
    }
    let plan = match migrator.plan(db, Action::RollbackTo(target)) {
        Ok(plan) => plan,
        Err(e) => {
            outln!("  NOT rolled back: {}", session::with_cli_hint(&e));
            return;
        }
    };
    let outcome = session::revert(migrator, db, &plan.steps, &now);
    let reverted: Vec<&'static Migration> = outcome.done.clone();
    outln!("  rolled back (newest first):{}", list(&reverted, "    "));
    if let Some((m, e)) = outcome.failed {
        outln!(
            "  the rollback FAILED at {}: {}; the migrations before it stay applied",
            m.map(label).unwrap_or_default(),
            session::with_cli_hint(&e)
        );
        return;
    }
    match kept {
        Some(m) => outln!(
            "  {} has no down section ({}): it and the migrations before it stay applied",
            label(m),
            m.irreversible.unwrap_or("irreversible")
        ),
        None => outln!("  the database is back where it was before this deploy ({before_text})"),
    }
}
