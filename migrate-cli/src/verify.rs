//! `cargo migrate verify`: on a scratch database, every migration is applied,
//! reverted and applied again, and each down that does not bring the schema
//! back to what it was before its up is reported with the difference.
//!
//! For each migration in order: snapshot the schema, apply the up, snapshot,
//! apply the down, snapshot and compare with the snapshot taken before the
//! up, apply the up again and compare with the first application. Up and
//! down run through the runtime's [`Migrator`], so transactions and
//! `-- migrate:no-transaction` sections behave as they do in production.
//! Irreversible migrations are applied and their down check is skipped.
//!
//! The scratch database: on PostgreSQL and MySQL/MariaDB, `CREATE DATABASE
//! migrate_verify_<unique>` on the server of `--database-url`, dropped at the
//! end (after an error or Ctrl-C too); for SQLite a temporary file. With
//! `--scratch-as-is` the database of the URL itself is used, and only if it
//! is empty.

use std::fmt::Write as _;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use migrate_runtime::{
    AnyBackend, Backend, Change, DatabaseUrl, Dialect, Direction, Error, HistoryTable, Migration,
    Migrations, Migrator, Resolution, Schema, State, Target,
};
use serde::Serialize;

use crate::{EXIT_FOUND_ERRORS, Failure, database, output};

/// The arguments of `cargo migrate verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The server to verify on (`postgres://…`, `mysql://…`): a scratch
    /// database `migrate_verify_<unique>` is created there and dropped
    /// afterwards; the database the URL names is only connected to. For
    /// `sqlite://…` a temporary file is used instead of the file named.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: String,

    /// The migrations directory (default: `migrations_dir` in migrate.toml,
    /// else `migrations`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Read the settings from FILE instead of ./migrate.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Verify in the database the URL names, as it is, instead of a new one.
    /// It must be empty (no table, view, sequence, type or routine); it is
    /// left with every migration applied.
    #[arg(long)]
    pub scratch_as_is: bool,

    /// Keep the scratch database afterwards, to inspect it (its URL is printed).
    #[arg(long, conflicts_with = "scratch_as_is")]
    pub keep: bool,

    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats of `verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A line per migration, rustc-like diagnostics for each failure, then a summary line.
    Human,
    /// One JSON object on stdout with every migration's result and differences, for tools.
    Json,
}

/// Exit code when verification was interrupted (Ctrl-C, SIGTERM).
const EXIT_INTERRUPTED: u8 = 130;

/// The prefix of every scratch database and file.
const SCRATCH_PREFIX: &str = "migrate_verify_";

// ---- the scratch database ----

/// What to remove when verification ends.
enum Cleanup {
    /// Nothing: the database was given (`--scratch-as-is`), kept (`--keep`) or already removed.
    Nothing,
    /// `DROP DATABASE name` through the connection to the server.
    Drop {
        admin: Box<AnyBackend>,
        name: String,
    },
    /// A temporary SQLite file and the files SQLite and the runtime put beside it.
    File(PathBuf),
}

/// The database verification runs in; removed when dropped.
struct Scratch {
    url: DatabaseUrl,
    cleanup: Cleanup,
    /// How it is described in the summary.
    kind: &'static str,
}

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{SCRATCH_PREFIX}{}_{nanos:08x}", std::process::id())
}

impl Scratch {
    fn create(url: &DatabaseUrl, args: &VerifyArgs) -> Result<Scratch, Failure> {
        if args.scratch_as_is {
            return Ok(Scratch {
                url: url.clone(),
                cleanup: Cleanup::Nothing,
                kind: "used as is",
            });
        }
        let name = unique_name();
        let (scratch_url, cleanup) = match url.dialect() {
            Dialect::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let scratch = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))
                    .map_err(|e| Failure(e.to_string()))?;
                (scratch, Cleanup::File(path))
            }
            dialect => {
                let mut admin = url.connect().map_err(|e| {
                    Failure(format!(
                        "{e}; verify creates its scratch database on this server, through the \
                         database the URL names, which must exist (`postgres://…/postgres`, \
                         `mysql://…/` work)"
                    ))
                })?;
                let quoted = quote(dialect, &name);
                admin
                    .execute_sql(&format!("CREATE DATABASE {quoted}"))
                    .map_err(|e| {
                        Failure(format!(
                            "cannot create the scratch database {quoted} on `{}`: {e}",
                            url.redacted()
                        ))
                    })?;
                let scratch = url.with_database(&name).map_err(|e| Failure(e.to_string()));
                let cleanup = Cleanup::Drop {
                    admin: Box::new(admin),
                    name,
                };
                match scratch {
                    Ok(scratch) => (scratch, cleanup),
                    Err(e) => {
                        drop(Scratch {
                            url: url.clone(),
                            cleanup,
                            kind: "",
                        });
                        return Err(e);
                    }
                }
            }
        };
        let scratch = Scratch {
            url: scratch_url,
            cleanup,
            kind: "created and dropped",
        };
        Ok(if args.keep { scratch.keep() } else { scratch })
    }

    /// Leaves the database in place at the end.
    fn keep(mut self) -> Scratch {
        self.cleanup = Cleanup::Nothing;
        self.kind = "created and kept";
        self
    }

    /// Removes the scratch database (once); an error says what is left behind.
    fn remove(&mut self) -> Result<(), String> {
        match std::mem::replace(&mut self.cleanup, Cleanup::Nothing) {
            Cleanup::Nothing => Ok(()),
            Cleanup::File(path) => {
                let mut failed = Vec::new();
                for suffix in ["", "-wal", "-shm", "-journal", "-migrate-lock"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    match std::fs::remove_file(&file) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => {
                            failed.push(format!("{}: {e}", PathBuf::from(file).display()));
                        }
                        _ => {}
                    }
                }
                if failed.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "cannot remove the scratch file(s):{}",
                        output::lines(&failed, "  ")
                    ))
                }
            }
            Cleanup::Drop { mut admin, name } => {
                let dialect = admin.dialect();
                let quoted = quote(dialect, &name);
                let forced = match dialect {
                    // Ends sessions still connected to it (PostgreSQL 13+).
                    Dialect::Postgres => admin
                        .execute_sql(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
                        .is_ok(),
                    _ => false,
                };
                if forced {
                    return Ok(());
                }
                admin
                    .execute_sql(&format!("DROP DATABASE IF EXISTS {quoted}"))
                    .map_err(|e| {
                        format!(
                            "cannot drop the scratch database {quoted}: {e}; drop it by hand \
                             (every scratch database is named `{SCRATCH_PREFIX}…`)"
                        )
                    })
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(e) = self.remove() {
            output::error_line(&e);
        }
    }
}

fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

// ---- Ctrl-C ----

#[cfg(unix)]
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    static INTERRUPTED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(_: libc::c_int) {
        INTERRUPTED.store(true, Ordering::SeqCst);
    }

    /// SIGINT and SIGTERM set a flag checked between steps, so that the
    /// scratch database is dropped; the handler resets itself, so a second
    /// Ctrl-C ends the process at once.
    pub fn install() {
        // SAFETY: the handler only stores to an atomic (async-signal-safe);
        // `action` is fully initialized (zeroed, then its fields set).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_RESETHAND | libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
            libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
        }
    }

    pub fn interrupted() -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }
}

#[cfg(not(unix))]
mod interrupt {
    pub fn install() {}
    pub fn interrupted() -> bool {
        false
    }
}

// ---- verification ----

/// What verification found for one migration.
#[derive(Debug)]
enum Verdict {
    /// The down reverses the up, and the up applies again to the same schema.
    Reversed,
    /// Declared irreversible: applied, its down not checked.
    Irreversible(&'static str),
    /// Up, down and up ran, with differences: the down does not restore the
    /// schema from before the up (`not_reversed`), or the up applied again
    /// gives another schema than the first time (`reapplied`).
    Differs {
        not_reversed: Vec<Change>,
        reapplied: Vec<Change>,
    },
    /// The down failed; `stopped` when the database was left between states
    /// and the following migrations could not be verified.
    DownFailed { error: Error, stopped: bool },
    /// The up failed when applied again after the down (the down leaves
    /// something behind that the up trips on).
    ReapplyFailed {
        error: Error,
        not_reversed: Vec<Change>,
    },
    /// The up failed the first time.
    UpFailed(Error),
    /// Not reached: an earlier migration stopped verification, or it was interrupted.
    NotVerified,
}

impl Verdict {
    fn failed(&self) -> bool {
        !matches!(self, Verdict::Reversed | Verdict::Irreversible(_))
    }

    fn word(&self) -> &'static str {
        match self {
            Verdict::Reversed => "reversed",
            Verdict::Irreversible(_) => "irreversible",
            Verdict::Differs { not_reversed, .. } if !not_reversed.is_empty() => "not_reversed",
            Verdict::Differs { .. } => "reapply_differs",
            Verdict::DownFailed { .. } => "down_failed",
            Verdict::ReapplyFailed { .. } => "reapply_failed",
            Verdict::UpFailed(_) => "up_failed",
            Verdict::NotVerified => "not_verified",
        }
    }
}

struct Outcome {
    migration: &'static Migration,
    verdict: Verdict,
}

/// Why verification stopped before the last migration.
enum Stop {
    Interrupted,
    Failed,
}

/// A snapshot, or a failure to take one.
fn snapshot(conn: &mut AnyBackend, table: &HistoryTable) -> Result<Schema, Failure> {
    conn.snapshot(table).map_err(|e| Failure(e.to_string()))
}

/// Runs verification on `conn`; each outcome is passed to `progress` as it is known.
fn verify_all(
    conn: &mut AnyBackend,
    migrations: &'static Migrations,
    table: &HistoryTable,
    mut progress: impl FnMut(&Outcome),
) -> Result<(Vec<Outcome>, Option<Stop>), Failure> {
    // No other runner uses the scratch database: never wait long for the lock.
    let migrator = Migrator::new(migrations).lock_wait(Duration::from_secs(10));
    let all = migrations.migrations();
    let mut outcomes = Vec::with_capacity(all.len());
    let mut stop = None;
    let mut before = snapshot(conn, table)?;
    for (i, m) in all.iter().enumerate() {
        if interrupt::interrupted() {
            stop = Some(Stop::Interrupted);
            break;
        }
        let previous = if i == 0 {
            Target::start()
        } else {
            Target::from(&all[i - 1])
        };
        let verdict = 'verdict: {
            if let Err(error) = migrator.run_to(conn, m) {
                stop = Some(Stop::Failed);
                break 'verdict Verdict::UpFailed(error);
            }
            let after_up = snapshot(conn, table)?;
            if m.down.is_none() {
                before = after_up;
                break 'verdict Verdict::Irreversible(m.irreversible.unwrap_or("no reason given"));
            }
            if interrupt::interrupted() {
                stop = Some(Stop::Interrupted);
                break 'verdict Verdict::NotVerified;
            }
            if let Err(error) = migrator.rollback_to(conn, previous) {
                // Go on only when the failed down left the database as the up did.
                let now = snapshot(conn, table)?;
                let state = migrator
                    .status(conn)
                    .ok()
                    .and_then(|rows| rows.into_iter().find(|r| r.version == m.version.text))
                    .map(|r| r.state);
                let resumable = now == after_up
                    && match state {
                        Some(State::Applied) => true,
                        Some(State::Dirty {
                            direction: Direction::Down,
                            ..
                        }) => migrator.resolve(conn, m, Resolution::Applied).is_ok(),
                        _ => false,
                    };
                if !resumable {
                    stop = Some(Stop::Failed);
                }
                before = after_up;
                break 'verdict Verdict::DownFailed {
                    error,
                    stopped: !resumable,
                };
            }
            let after_down = snapshot(conn, table)?;
            let not_reversed = before.diff(&after_down);
            if interrupt::interrupted() {
                stop = Some(Stop::Interrupted);
                break 'verdict Verdict::NotVerified;
            }
            if let Err(error) = migrator.run_to(conn, m) {
                stop = Some(Stop::Failed);
                break 'verdict Verdict::ReapplyFailed {
                    error,
                    not_reversed,
                };
            }
            let again = snapshot(conn, table)?;
            let reapplied = after_up.diff(&again);
            before = again;
            if not_reversed.is_empty() && reapplied.is_empty() {
                Verdict::Reversed
            } else {
                Verdict::Differs {
                    not_reversed,
                    reapplied,
                }
            }
        };
        let outcome = Outcome {
            migration: m,
            verdict,
        };
        progress(&outcome);
        outcomes.push(outcome);
        if stop.is_some() {
            break;
        }
    }
    for m in &all[outcomes.len()..] {
        outcomes.push(Outcome {
            migration: m,
            verdict: Verdict::NotVerified,
        });
    }
    Ok((outcomes, stop))
}

/// `cargo migrate verify`.
pub fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let target = database::Target {
        database_url: args.database_url.clone(),
        dir: args.dir.clone(),
        config: args.config.clone(),
    };
    let (migrations, url) = database::load(&target)?;
    let table =
        HistoryTable::parse(migrations.history_table()).map_err(|e| Failure(e.to_string()))?;
    interrupt::install();
    let mut scratch = Scratch::create(&url, args)?;
    let mut conn = scratch.url.connect().map_err(|e| Failure(e.to_string()))?;
    if args.scratch_as_is {
        refuse_unless_empty(&mut conn, &table, &scratch.url)?;
    }
    conn.create_history(&table).map_err(|e| {
        Failure(format!(
            "cannot create the history table `{table}` in `{}`: {e}",
            scratch.url.redacted()
        ))
    })?;
    let human = args.format == Format::Human;
    let color = output::use_color(io::stdout().is_terminal());
    let (outcomes, stop) = verify_all(&mut conn, migrations, &table, |outcome| {
        if human {
            let _ = progress_line(outcome, color);
        }
    })?;
    drop(conn);
    let shown = scratch.url.redacted().to_owned();
    let removed = scratch.remove();
    let scratch_note = match &removed {
        Ok(()) => format!("scratch database `{shown}` {}", scratch.kind),
        Err(e) => format!("scratch database `{shown}` NOT dropped: {e}"),
    };
    let failed = outcomes.iter().filter(|o| o.verdict.failed()).count();
    if human {
        print_human(&outcomes, stop.as_ref(), &scratch_note, color)?;
    } else {
        print_json(
            &outcomes,
            stop.as_ref(),
            &shown,
            scratch.kind,
            removed.err(),
        )?;
    }
    Ok(match stop {
        Some(Stop::Interrupted) => ExitCode::from(EXIT_INTERRUPTED),
        _ if failed > 0 => ExitCode::from(EXIT_FOUND_ERRORS),
        _ => ExitCode::SUCCESS,
    })
}

/// `--scratch-as-is` on a database that holds anything is refused.
fn refuse_unless_empty(
    conn: &mut AnyBackend,
    table: &HistoryTable,
    url: &DatabaseUrl,
) -> Result<(), Failure> {
    let schema = snapshot(conn, table)?;
    let objects: Vec<String> = schema
        .iter()
        .filter(|(id, _)| {
            id.table.is_none()
                && !matches!(
                    id.kind,
                    migrate_runtime::ObjectKind::Schema | migrate_runtime::ObjectKind::Extension
                )
        })
        .map(|(id, _)| id.to_string())
        .collect();
    let history = conn.history_exists(table).unwrap_or(false)
        && conn.read_history(table).is_ok_and(|rows| !rows.is_empty());
    if objects.is_empty() && !history {
        return Ok(());
    }
    let mut what: Vec<String> = objects.iter().take(3).cloned().collect();
    if objects.len() > 3 {
        what.push(format!("{} more", objects.len() - 3));
    }
    if history {
        what.insert(0, format!("applied migrations in `{table}`"));
    }
    Err(Failure(format!(
        "`{}` is not empty ({}): --scratch-as-is only verifies in an empty database, which it \
         changes; give the server's URL without --scratch-as-is to verify in a new scratch \
         database",
        url.redacted(),
        what.join(", ")
    )))
}

// ---- output ----

const RED_BOLD: &str = "\x1b[1;31m";
const GREEN_BOLD: &str = "\x1b[1;32m";
const YELLOW_BOLD: &str = "\x1b[1;33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(word: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{word}{RESET}")
    } else {
        word.to_owned()
    }
}

fn emit(text: &str) -> Result<(), Failure> {
    output::emit(text);
    Ok(())
}

fn progress_line(o: &Outcome, color: bool) -> Result<(), Failure> {
    let m = o.migration;
    let state = match &o.verdict {
        Verdict::Reversed => paint("ok", GREEN_BOLD, color),
        Verdict::Irreversible(_) => paint("irreversible, down not checked", YELLOW_BOLD, color),
        Verdict::NotVerified => "not verified".to_owned(),
        _ => paint("FAILED", RED_BOLD, color),
    };
    emit(&format!("verify {} {} ... {state}\n", m.version, m.name))
}

/// The file and line a verdict points at.
fn location(o: &Outcome) -> (String, u32) {
    let m = o.migration;
    let statement = |e: &Error| match e {
        Error::Statement(s) => Some((s.file.to_owned(), s.line)),
        _ => None,
    };
    let from_error = match &o.verdict {
        Verdict::DownFailed { error, .. }
        | Verdict::ReapplyFailed { error, .. }
        | Verdict::UpFailed(error) => statement(error),
        _ => None,
    };
    from_error.unwrap_or_else(|| match (&o.verdict, &m.down) {
        (Verdict::Differs { not_reversed, .. }, Some(down)) if !not_reversed.is_empty() => (
            down.file.to_owned(),
            down.statements.first().map_or(1, |s| s.line),
        ),
        _ => (
            m.up.file.to_owned(),
            m.up.statements.first().map_or(1, |s| s.line),
        ),
    })
}

/// A runtime error in the words of verification: the statement and the
/// database's message, without the advice for production runs.
fn describe_error(e: &Error) -> String {
    match e {
        Error::Statement(s) => format!(
            "statement {} of {} failed: `{}`: {}",
            s.index + 1,
            s.total,
            one_line(s.sql),
            s.cause
        ),
        other => other.to_string(),
    }
}

fn one_line(sql: &str) -> String {
    let line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 120 {
        let cut: String = line.chars().take(117).collect();
        format!("{cut}...")
    } else {
        line
    }
}

/// A difference left by a down: before the up → after the down.
fn not_reversed_note(c: &Change) -> String {
    match (&c.before, &c.after) {
        (None, Some(after)) => format!("{} is left behind by the down: {after}", c.object),
        (Some(before), None) => format!(
            "{} is missing after the down (it existed before the up): {before}",
            c.object
        ),
        (Some(before), Some(after)) => format!(
            "{} is not restored: before the up `{before}`, after the down `{after}`",
            c.object
        ),
        (None, None) => c.object.to_string(),
    }
}

/// A difference between the first application of the up and the second.
fn reapplied_note(c: &Change) -> String {
    match (&c.before, &c.after) {
        (None, Some(after)) => format!(
            "{} is there after the up ran again, not after its first run: {after}",
            c.object
        ),
        (Some(before), None) => format!(
            "{} was created by the first up but is missing after it ran again: {before}",
            c.object
        ),
        (Some(before), Some(after)) => format!(
            "{} differs when the up runs again: first `{before}`, then `{after}`",
            c.object
        ),
        (None, None) => c.object.to_string(),
    }
}

/// One rustc-like diagnostic per failed migration.
fn diagnostic(o: &Outcome, color: bool) -> Option<String> {
    let m = o.migration;
    let who = format!("migration {} ({})", m.version, m.name);
    let mut notes = Vec::new();
    let mut help = None;
    let headline = match &o.verdict {
        Verdict::Reversed | Verdict::Irreversible(_) | Verdict::NotVerified => return None,
        Verdict::Differs {
            not_reversed,
            reapplied,
        } => {
            notes.extend(not_reversed.iter().map(not_reversed_note));
            notes.extend(reapplied.iter().map(reapplied_note));
            help = Some(
                "the down section must undo exactly what the up section does: drop what the up \
                 creates, and recreate what it drops or changes as it was",
            );
            if not_reversed.is_empty() {
                format!("{who}: applying the up again after its down gives another schema")
            } else {
                format!("{who}: its down does not reverse its up")
            }
        }
        Verdict::DownFailed { error, stopped } => {
            notes.push(describe_error(error));
            if *stopped {
                notes.push(
                    "the failed down left the database between states: the migrations after \
                     it are not verified"
                        .to_owned(),
                );
            }
            format!("{who}: its down fails")
        }
        Verdict::ReapplyFailed {
            error,
            not_reversed,
        } => {
            notes.push(describe_error(error));
            notes.extend(not_reversed.iter().map(not_reversed_note));
            help = Some(
                "the down leaves something behind that the up trips on: make the down undo \
                 everything the up does",
            );
            format!("{who}: its up fails when applied again after its down")
        }
        Verdict::UpFailed(error) => {
            notes.push(describe_error(error));
            notes.push("the migrations after it are not verified".to_owned());
            format!("{who}: its up fails on a fresh database")
        }
    };
    let (file, line) = location(o);
    let mut text = format!(
        "{}: {}\n  {} {file}:{line}\n",
        paint("error", RED_BOLD, color),
        paint(&headline, BOLD, color),
        paint("-->", BOLD, color),
    );
    for note in notes {
        let _ = writeln!(text, "   = note: {note}");
    }
    if let Some(help) = help {
        let _ = writeln!(text, "   = help: {help}");
    }
    Some(text)
}

fn print_human(
    outcomes: &[Outcome],
    stop: Option<&Stop>,
    scratch_note: &str,
    color: bool,
) -> Result<(), Failure> {
    for o in outcomes {
        if matches!(o.verdict, Verdict::NotVerified) {
            progress_line(o, color)?;
        }
    }
    let mut text = String::new();
    for o in outcomes {
        if let Some(d) = diagnostic(o, color) {
            text.push('\n');
            text.push_str(&d);
        }
    }
    let count = |f: fn(&Verdict) -> bool| outcomes.iter().filter(|o| f(&o.verdict)).count();
    let failed = count(|v| v.failed() && !matches!(v, Verdict::NotVerified));
    let reversed = count(|v| matches!(v, Verdict::Reversed));
    let irreversible = count(|v| matches!(v, Verdict::Irreversible(_)));
    let not_verified = count(|v| matches!(v, Verdict::NotVerified));
    let mut parts = vec![format!("{reversed} reversed")];
    if irreversible > 0 {
        parts.push(format!("{irreversible} irreversible (down not checked)"));
    }
    if not_verified > 0 {
        parts.push(format!("{not_verified} not verified"));
    }
    text.push('\n');
    if matches!(stop, Some(Stop::Interrupted)) {
        let _ = writeln!(
            text,
            "{}: interrupted; {} ({scratch_note})",
            paint("error", RED_BOLD, color),
            parts.join(", ")
        );
    } else if failed > 0 || not_verified > 0 {
        let _ = writeln!(
            text,
            "{}: {failed} of {} migrations fail verification; {} ({scratch_note})",
            paint("error", RED_BOLD, color),
            outcomes.len(),
            parts.join(", ")
        );
    } else {
        let _ = writeln!(
            text,
            "{}: {} migrations verified: {} ({scratch_note})",
            paint("ok", GREEN_BOLD, color),
            outcomes.len(),
            parts.join(", ")
        );
    }
    emit(&text)
}

/// A schema difference in `--format json`.
#[derive(Serialize)]
struct JsonChange<'a> {
    /// `table`, `column`, `index`, `constraint`, …
    object: &'a str,
    /// The table it belongs to.
    table: Option<&'a str>,
    name: &'a str,
    /// `left_behind`, `missing` or `changed` (for the up applied again:
    /// `added`, `missing` or `changed`).
    change: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

fn json_changes<'a>(changes: &'a [Change], added: &'a str) -> Vec<JsonChange<'a>> {
    changes
        .iter()
        .map(|c| JsonChange {
            object: c.object.kind.name(),
            table: c.object.table.as_deref(),
            name: &c.object.name,
            change: match (&c.before, &c.after) {
                (None, _) => added,
                (_, None) => "missing",
                _ => "changed",
            },
            before: c.before.as_deref(),
            after: c.after.as_deref(),
        })
        .collect()
}

#[derive(Serialize)]
struct JsonOutcome<'a> {
    version: &'a str,
    name: &'a str,
    /// `reversed`, `irreversible`, `not_reversed`, `reapply_differs`,
    /// `down_failed`, `reapply_failed`, `up_failed` or `not_verified`.
    result: &'a str,
    ok: bool,
    file: Option<String>,
    line: Option<u32>,
    reason: Option<&'a str>,
    error: Option<String>,
    /// Before the up → after the down.
    differences: Vec<JsonChange<'a>>,
    /// First application of the up → second.
    reapply_differences: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    interrupted: bool,
    database: &'a str,
    scratch: &'a str,
    cleanup_error: Option<String>,
    migrations: Vec<JsonOutcome<'a>>,
}

fn print_json(
    outcomes: &[Outcome],
    stop: Option<&Stop>,
    database: &str,
    scratch: &str,
    cleanup_error: Option<String>,
) -> Result<(), Failure> {
    let migrations: Vec<JsonOutcome<'_>> = outcomes
        .iter()
        .map(|o| {
            let located = o.verdict.failed() && !matches!(o.verdict, Verdict::NotVerified);
            let (file, line) = if located {
                let (f, l) = location(o);
                (Some(f), Some(l))
            } else {
                (None, None)
            };
            let (mut differences, mut reapply_differences) = (Vec::new(), Vec::new());
            let mut error = None;
            let mut reason = None;
            match &o.verdict {
                Verdict::Differs {
                    not_reversed,
                    reapplied,
                } => {
                    differences = json_changes(not_reversed, "left_behind");
                    reapply_differences = json_changes(reapplied, "added");
                }
                Verdict::ReapplyFailed {
                    error: e,
                    not_reversed,
                } => {
                    differences = json_changes(not_reversed, "left_behind");
                    error = Some(describe_error(e));
                }
                Verdict::DownFailed { error: e, .. } | Verdict::UpFailed(e) => {
                    error = Some(describe_error(e));
                }
                Verdict::Irreversible(r) => reason = Some(*r),
                Verdict::Reversed | Verdict::NotVerified => {}
            }
            JsonOutcome {
                version: o.migration.version.text,
                name: o.migration.name,
                result: o.verdict.word(),
                ok: !o.verdict.failed(),
                file,
                line,
                reason,
                error,
                differences,
                reapply_differences,
            }
        })
        .collect();
    let report = JsonReport {
        ok: stop.is_none() && outcomes.iter().all(|o| !o.verdict.failed()),
        interrupted: matches!(stop, Some(Stop::Interrupted)),
        database,
        scratch,
        cleanup_error,
        migrations,
    };
    let mut text = serde_json::to_string_pretty(&report)
        .map_err(|e| Failure(format!("cannot serialize the results: {e}")))?;
    text.push('\n');
    emit(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_runtime::{ObjectId, ObjectKind};

    fn change(before: Option<&str>, after: Option<&str>) -> Change {
        Change {
            object: ObjectId::new(ObjectKind::Index, Some("users"), "users_email_idx"),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        }
    }

    #[test]
    fn notes_say_which_side_has_the_object() {
        assert_eq!(
            not_reversed_note(&change(None, Some("INDEX (email)"))),
            "index `users_email_idx` on `users` is left behind by the down: INDEX (email)"
        );
        assert!(not_reversed_note(&change(Some("a"), None)).contains("missing after the down"));
        assert!(
            not_reversed_note(&change(Some("a"), Some("b")))
                .contains("before the up `a`, after the down `b`")
        );
        assert!(reapplied_note(&change(Some("a"), Some("b"))).contains("first `a`, then `b`"));
    }

    #[test]
    fn scratch_names_are_unique_identifiers() {
        let a = unique_name();
        assert!(a.starts_with(SCRATCH_PREFIX));
        assert!(a.len() <= 63);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert_eq!(quote(Dialect::MySql, "x"), "`x`");
        assert_eq!(quote(Dialect::Postgres, "x"), "\"x\"");
    }

    #[test]
    fn long_statements_are_cut() {
        let sql = format!("SELECT {}", "x, ".repeat(100));
        assert!(one_line(&sql).ends_with("..."));
        assert_eq!(one_line("DROP\n  TABLE t"), "DROP TABLE t");
    }
}
