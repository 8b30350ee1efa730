//! `cargo migrate status` and `cargo migrate up`: the migrations of a
//! directory against a database (`--database-url` or `DATABASE_URL`:
//! `postgres://…`, `mysql://…`, `sqlite://path`).
//!
//! The directory is checked exactly as `embed_migrations!` checks it — a
//! migration that would fail the build is never applied from the shell
//! either — and turned into the same table the macro embeds, checksums
//! included, so the CLI and an application agree about the history.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use migrate_check::{Input, Report, discover};
use migrate_runtime::{
    Action, DatabaseUrl, Dialect, Migration, MigrationStatus, Migrations, Migrator, Section, State,
    Statement, Version, VersionOrder,
};

use crate::output::{errln, outln};
use crate::{EXIT_FOUND_ERRORS, Failure, config, output, session};

/// Where the migrations and the database are.
#[derive(Debug, Args)]
pub struct Target {
    /// The database: `postgres://…`, `mysql://…` or `sqlite://path`.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: String,

    /// The migrations directory (default: `migrations_dir` in migrate.toml,
    /// else `migrations`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Read the settings from FILE instead of ./migrate.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The arguments of `cargo migrate status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    target: Target,

    /// Exit 0 even when migrations are pending or the history is wrong
    /// (by default a deploy pipeline can gate on the exit code).
    #[arg(long)]
    exit_zero: bool,
}

/// The arguments of `cargo migrate up`.
#[derive(Debug, Args)]
pub struct UpArgs {
    #[command(flatten)]
    target: Target,

    /// Apply up to and including this version (default: all pending).
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,

    /// Print what would run, with its SQL, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The checked migrations of a directory, as the runtime's static table.
/// A directory that fails the check is printed and refused.
pub(crate) fn load(target: &Target) -> Result<(&'static Migrations, DatabaseUrl), Failure> {
    match load_checked(target)? {
        Ok(loaded) => Ok(loaded),
        Err(report) => {
            output::human(&report);
            Err(Failure(
                "the migrations fail the check (above): nothing was applied; `cargo migrate lint` shows the same".into(),
            ))
        }
    }
}

/// For commands that change nothing (`status`, `--dry-run`): the
/// migrations the checker could read, even when they fail the check — one
/// line on stderr says so — so that a finding (a rule added by an upgrade,
/// say) never hides the state of a database. `showing` names what is shown
/// anyway: `the status`, `the plan`.
pub(crate) fn load_for_reading(
    target: &Target,
    showing: &str,
) -> Result<(&'static Migrations, DatabaseUrl), Failure> {
    let (report, url, history) = check_target(target)?;
    if report.has_errors() {
        let errors = report.errors().count();
        errln!(
            "note: the migrations fail the check ({} error{}; `cargo migrate lint` shows them): \
             showing {showing} anyway",
            errors,
            if errors == 1 { "" } else { "s" }
        );
    }
    Ok((leak_table(&report, url.dialect(), history), url))
}

/// The checked migrations, or the report of a directory that fails the check.
pub(crate) fn load_checked(
    target: &Target,
) -> Result<Result<(&'static Migrations, DatabaseUrl), Report>, Failure> {
    let (report, url, history) = check_target(target)?;
    if report.has_errors() {
        return Ok(Err(report));
    }
    Ok(Ok((leak_table(&report, url.dialect(), history), url)))
}

/// The check of the target's directory for the database's dialect, the
/// parsed URL and the history table's name.
fn check_target(target: &Target) -> Result<(Report, DatabaseUrl, String), Failure> {
    let url = DatabaseUrl::parse(&target.database_url).map_err(|e| Failure(e.to_string()))?;
    let loaded = config::load(target.config.as_deref())?;
    let mut config = loaded.config;
    // The database decides the dialect the migrations are checked for.
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
    let history = config.history_table.clone();
    let report = migrate_check::check(Input {
        entries,
        display_dir,
        config,
        config_source: loaded.source,
    });
    Ok((report, url, history))
}

/// The same table `embed_migrations!` expands to, built at run time. The
/// CLI is a short-lived process: the table lives as long as it does.
pub(crate) fn leak_table(
    report: &Report,
    dialect: Dialect,
    history: String,
) -> &'static Migrations {
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let section = |s: &migrate_check::Section| Section {
        statements: leak_statements(report, s),
        transactional: s.transactional,
        file: leak(&report.files[s.file].path),
    };
    let migrations: Vec<Migration> = report
        .migrations
        .iter()
        .map(|m| Migration {
            version: Version::new(
                leak(&m.version),
                Box::leak(m.version_key.clone().into_boxed_slice()),
            ),
            name: leak(&m.name),
            up: section(&m.up),
            down: m.down.as_ref().map(section),
            irreversible: m.irreversible.as_deref().map(leak),
            checksum: leak(&m.checksum),
        })
        .collect();
    let order = match report.order {
        migrate_check::VersionOrder::Numeric => VersionOrder::Numeric,
        migrate_check::VersionOrder::Text => VersionOrder::Text,
    };
    Box::leak(Box::new(
        Migrations::new(
            Box::leak(migrations.into_boxed_slice()),
            dialect,
            leak(&history),
        )
        .with_version_order(order),
    ))
}

/// A section's statements as the macro embeds them, for as long as the process lives.
pub(crate) fn leak_statements(
    report: &Report,
    section: &migrate_check::Section,
) -> &'static [Statement] {
    section
        .statements
        .iter()
        .map(|st| Statement {
            sql: Box::leak(
                report
                    .statement_text(section, st)
                    .to_owned()
                    .into_boxed_str(),
            ),
            line: st.line,
            concurrent: st.concurrent,
        })
        .collect::<Vec<_>>()
        .leak()
}

/// For commands that change nothing (`status`, `--dry-run`): a SQLite file
/// that does not exist yet is read as the empty database it would be,
/// without creating it.
pub(crate) fn connect_without_creating(
    url: &DatabaseUrl,
    raw: &str,
) -> Result<migrate_runtime::AnyBackend, Failure> {
    if url.dialect() == Dialect::Sqlite
        && let Some(rest) = raw.get("sqlite:".len()..)
    {
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split_once('?').map_or(rest, |(p, _)| p);
        if !path.is_empty() && path != ":memory:" && !std::path::Path::new(path).exists() {
            let empty =
                DatabaseUrl::parse("sqlite::memory:").map_err(|e| Failure(e.to_string()))?;
            return connect(&empty);
        }
    }
    connect(url)
}

pub(crate) fn connect(url: &DatabaseUrl) -> Result<migrate_runtime::AnyBackend, Failure> {
    url.connect().map_err(|e| Failure(e.to_string()))
}

/// The migrations and a connection for a command that changes the
/// database, or with `dry_run` only shows the plan: a dry run goes on when
/// the check fails (with a note) and never creates a SQLite file; a real
/// run refuses a failing check.
pub(crate) fn open(
    target: &Target,
    dry_run: bool,
) -> Result<(&'static Migrations, migrate_runtime::AnyBackend), Failure> {
    if dry_run {
        let (migrations, url) = load_for_reading(target, "the plan")?;
        Ok((
            migrations,
            connect_without_creating(&url, &target.database_url)?,
        ))
    } else {
        let (migrations, url) = load(target)?;
        Ok((migrations, connect(&url)?))
    }
}

/// `cargo migrate status`: every migration's state, as a table.
pub fn status(args: &StatusArgs) -> Result<ExitCode, Failure> {
    let (migrations, url) = load_for_reading(&args.target, "the status")?;
    let mut db = connect_without_creating(&url, &args.target.database_url)?;
    let rows = Migrator::new(migrations)
        .status(&mut db)
        .map_err(|e| session::failure(&e))?;
    outln!(
        "{:<20} {:<36} {:<22} applied at",
        "version",
        "name",
        "state"
    );
    let mut attention = 0;
    for row in &rows {
        let state = describe(row);
        if row.state != State::Applied {
            attention += 1;
        }
        outln!(
            "{:<20} {:<36} {:<22} {}",
            row.version,
            row.name,
            state,
            row.applied_at.as_deref().unwrap_or("-")
        );
    }
    let applied = rows.len() - attention;
    let notes: Vec<String> = rows.iter().filter_map(advice).collect();
    if !notes.is_empty() {
        outln!();
        for note in notes {
            outln!("{note}");
        }
    }
    outln!(
        "\n{applied} applied, {attention} need attention ({})",
        url.redacted()
    );
    Ok(if attention > 0 && !args.exit_zero {
        ExitCode::from(EXIT_FOUND_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

/// What to do about a migration that is not simply applied or pending.
fn advice(row: &MigrationStatus) -> Option<String> {
    let v = &row.version;
    match &row.state {
        State::Applied | State::Pending => None,
        State::PendingOutOfOrder => Some(format!(
            "{v}: pending but older than the newest applied migration (merged from another \
             branch?): give it a newer version (`cargo migrate new` picks one)"
        )),
        State::Dirty { .. } => Some(format!(
            "{v}: dirty: check in the database which of its statements took effect, then \
             `cargo migrate resolve {v} --resume`, `--applied` or `--rolled-back`"
        )),
        State::Changed { recorded } => Some(format!(
            "{v}: changed after it was applied: the history records {recorded}, the directory \
             has {}; restore the file as applied and put the change in a new migration",
            row.migration.map_or("?", |m| m.checksum)
        )),
        State::Missing => Some(format!(
            "{v}: recorded in the history but not in the directory: restore its file (or \
             check that --dir is the right directory)"
        )),
    }
}

fn describe(row: &MigrationStatus) -> String {
    match &row.state {
        State::Applied => "applied".into(),
        State::Pending => "pending".into(),
        State::PendingOutOfOrder => "pending (out of order)".into(),
        State::Dirty {
            direction,
            statements_done,
        } => {
            format!("dirty ({direction}, {statements_done} done)")
        }
        State::Changed { .. } => "changed (checksum)".into(),
        State::Missing => "missing (no file)".into(),
    }
}

/// `cargo migrate up`: applies what is pending (or up to `--to`), or with
/// `--dry-run` prints the plan and its SQL.
pub fn up(args: &UpArgs) -> Result<ExitCode, Failure> {
    let (migrations, mut db) = open(&args.target, args.dry_run)?;
    let migrator = Migrator::new(migrations);
    let fail = |e: migrate_runtime::Error| session::failure(&e);
    if args.dry_run {
        let action = match &args.to {
            Some(v) => Action::RunTo(session::target_for(&migrator, v)),
            None => Action::Run,
        };
        let plan = migrator.plan(&mut db, action).map_err(fail)?;
        if plan.is_empty() {
            outln!("nothing to apply: the database is up to date");
        } else {
            outln!("{plan}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let outcome = session::apply_pending(&migrator, &mut db, args.to.as_deref())?;
    if outcome.done.is_empty() && outcome.failed.is_none() {
        outln!("nothing to apply: the database is up to date");
    } else if !outcome.done.is_empty() {
        outln!(
            "applied {}:{}",
            outcome.done.len(),
            output::lines(outcome.done.iter().map(|m| session::label(m)), "  ")
        );
    }
    match outcome.failed {
        Some((_, e)) => Err(session::failure(&e)),
        None => Ok(ExitCode::SUCCESS),
    }
}
