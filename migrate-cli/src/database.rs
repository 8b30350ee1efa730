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
    Statement, Version,
};

use crate::{EXIT_FOUND_ERRORS, Failure, config, output};

/// Where the migrations and the database are.
#[derive(Debug, Args)]
pub struct Target {
    /// The database: `postgres://…`, `mysql://…` or `sqlite://path`.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: String,

    /// The migrations directory.
    #[arg(long, value_name = "DIR", default_value = "migrations")]
    pub dir: PathBuf,

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
fn load(target: &Target) -> Result<(&'static Migrations, DatabaseUrl), Failure> {
    let url = DatabaseUrl::parse(&target.database_url).map_err(|e| Failure(e.to_string()))?;
    let loaded = config::load(target.config.as_deref())?;
    let mut config = loaded.config;
    // The database decides the dialect the migrations are checked for.
    config.dialect = match url.dialect() {
        Dialect::Postgres => migrate_check::Dialect::Postgres,
        Dialect::MySql => migrate_check::Dialect::MySql,
        Dialect::Sqlite => migrate_check::Dialect::Sqlite,
    };
    let display_dir = target.dir.to_string_lossy().into_owned();
    let entries = discover::read_dir(&target.dir).map_err(|e| {
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
    if report.has_errors() {
        output::human(&report)?;
        return Err(Failure(
            "the migrations fail the check (above): nothing was applied; `cargo migrate lint` shows the same".into(),
        ));
    }
    Ok((leak_table(&report, url.dialect(), history), url))
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
        statements: Box::leak(
            s.statements
                .iter()
                .map(|st| Statement {
                    sql: leak(report.statement_text(s, st)),
                    line: st.line,
                })
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        ),
        transactional: s.transactional,
        file: leak(&report.files[s.file].path),
    };
    let migrations: Vec<Migration> = report
        .migrations
        .iter()
        .map(|m| Migration {
            version: Version::new(
                leak(&m.version),
                Box::leak(m.version_parts.clone().into_boxed_slice()),
            ),
            name: leak(&m.name),
            up: section(&m.up),
            down: m.down.as_ref().map(section),
            irreversible: m.irreversible.as_deref().map(leak),
            checksum: leak(&m.checksum),
        })
        .collect();
    Box::leak(Box::new(Migrations::new(
        Box::leak(migrations.into_boxed_slice()),
        dialect,
        leak(&history),
    )))
}

fn connect(url: &DatabaseUrl) -> Result<migrate_runtime::AnyBackend, Failure> {
    url.connect().map_err(|e| Failure(e.to_string()))
}

/// `cargo migrate status`: every migration's state, as a table.
pub fn status(args: &StatusArgs) -> Result<ExitCode, Failure> {
    let (migrations, url) = load(&args.target)?;
    let mut db = connect(&url)?;
    let rows = Migrator::new(migrations)
        .status(&mut db)
        .map_err(|e| Failure(e.to_string()))?;
    println!(
        "{:<20} {:<36} {:<22} applied at",
        "version", "name", "state"
    );
    let mut attention = 0;
    for row in &rows {
        let state = describe(row);
        if row.state != State::Applied {
            attention += 1;
        }
        println!(
            "{:<20} {:<36} {:<22} {}",
            row.version,
            row.name,
            state,
            row.applied_at.as_deref().unwrap_or("-")
        );
    }
    let applied = rows.len() - attention;
    println!(
        "\n{applied} applied, {attention} need attention ({})",
        url.redacted()
    );
    Ok(if attention > 0 && !args.exit_zero {
        ExitCode::from(EXIT_FOUND_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
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
        State::Changed { .. } => "changed since applied".into(),
        State::Missing => "missing from the directory".into(),
    }
}

/// `cargo migrate up`: applies what is pending (or up to `--to`), or with
/// `--dry-run` prints the plan and its SQL.
pub fn up(args: &UpArgs) -> Result<ExitCode, Failure> {
    let (migrations, url) = load(&args.target)?;
    let mut db = connect(&url)?;
    let migrator = Migrator::new(migrations);
    let fail = |e: migrate_runtime::Error| Failure(e.to_string());
    if args.dry_run {
        let action = match &args.to {
            Some(v) => Action::RunTo(v.as_str().into()),
            None => Action::Run,
        };
        let plan = migrator.plan(&mut db, action).map_err(fail)?;
        if plan.is_empty() {
            println!("nothing to apply: the database is up to date");
        } else {
            println!("{plan}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = match &args.to {
        Some(v) => migrator.run_to(&mut db, v.as_str()).map_err(fail)?,
        None => migrator.run(&mut db).map_err(fail)?,
    };
    let applied = report.versions();
    if applied.is_empty() {
        println!("nothing to apply: the database is up to date");
    } else {
        println!("applied {}: {}", applied.len(), applied.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
