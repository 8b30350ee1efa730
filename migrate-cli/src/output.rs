//! Printing: rendered diagnostics and summaries for people, JSON for tools.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use migrate_check::{Report, Severity};
use serde::Serialize;

use crate::Failure;

/// Whether to style output for a terminal: only when it is one and
/// `NO_COLOR` is unset or empty (<https://no-color.org>).
pub fn use_color(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

const RED_BOLD: &str = "\x1b[1;31m";
const GREEN_BOLD: &str = "\x1b[1;32m";
const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

fn styled(word: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{word}{RESET}")
    } else {
        word.to_string()
    }
}

/// Prints `error: <message>` on stderr.
pub fn error_line(message: &str) {
    let color = use_color(io::stderr().is_terminal());
    err_text(&format!(
        "{}: {message}\n",
        styled("error", RED_BOLD, color)
    ));
}

// ---- writing that survives a closed pipe ----
//
// `cargo migrate status | head -1`: once `head` exits, every write to stdout
// fails with `BrokenPipe` (Rust ignores SIGPIPE, so the process is not
// killed). `println!` panics then; every line of the CLI goes through the
// functions below instead (`outln!`, `errln!`, `emit`), which note that the
// stream is closed and drop what follows, silently. The command itself runs
// to its end — a command that changes the database is never cut short by its
// reader going away, and the scratch database of `verify` is still dropped —
// and the process exits with the code the command would have had: a closed
// pipe is not an error and prints nothing.

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);
/// The first error writing stdout other than a closed pipe (a full disk).
static STDOUT_FAILED: OnceLock<String> = OnceLock::new();

/// Writes `text` to stdout (or stderr), flushing; a closed stream takes no
/// more writes. Errors other than a closed pipe on stdout are kept for
/// [`finish`].
fn write_stream(stderr: bool, text: &str) {
    let closed = if stderr {
        &STDERR_CLOSED
    } else {
        &STDOUT_CLOSED
    };
    if closed.load(Ordering::Relaxed) {
        return;
    }
    let result = if stderr {
        let mut e = io::stderr().lock();
        e.write_all(text.as_bytes()).and_then(|()| e.flush())
    } else {
        let mut o = io::stdout().lock();
        o.write_all(text.as_bytes()).and_then(|()| o.flush())
    };
    if let Err(e) = result {
        closed.store(true, Ordering::Relaxed);
        if !stderr && e.kind() != io::ErrorKind::BrokenPipe {
            let _ = STDOUT_FAILED.set(e.to_string());
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) {
    write_stream(false, text);
}

/// Writes to stderr; a closed pipe is not an error.
pub fn err_text(text: &str) {
    write_stream(true, text);
}

/// A line on stdout (what `outln!` expands to).
pub fn out_line(args: std::fmt::Arguments<'_>) {
    let mut text = args.to_string();
    text.push('\n');
    emit(&text);
}

/// A line on stderr (what `errln!` expands to).
pub fn err_line(args: std::fmt::Arguments<'_>) {
    let mut text = args.to_string();
    text.push('\n');
    err_text(&text);
}

/// The exit code of the process: the command's own, unless stdout failed
/// for another reason than a closed pipe (then `error: cannot write the
/// output` and exit 2, as for unreadable input).
pub fn finish(code: ExitCode) -> ExitCode {
    match STDOUT_FAILED.get() {
        Some(e) if code == ExitCode::SUCCESS => {
            error_line(&format!("cannot write the output: {e}"));
            ExitCode::from(crate::EXIT_USAGE)
        }
        _ => code,
    }
}

/// `println!` that survives a closed stdout.
macro_rules! outln {
    () => {
        $crate::output::out_line(::std::format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::out_line(::std::format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// `eprintln!` that survives a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::err_line(::std::format_args!($($arg)*))
    };
}
pub(crate) use errln;

/// Items one per line after `indent`, each line starting with a newline:
/// for lists of versions or files, which can be long (`applied 3:` + this).
pub fn lines<I, S>(items: I, indent: &str) -> String
where
    I: IntoIterator<Item = S>,
    S: std::fmt::Display,
{
    items
        .into_iter()
        .map(|item| format!("\n{indent}{item}"))
        .collect()
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// What a check covered and found: the `totals` of `lint --format json`,
/// named by the human summary line too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Migrations read.
    pub migrations: usize,
    /// Seeds read (0 unless there is a seeds directory).
    pub seeds: usize,
    /// Statements of every section, up and down, and of the seeds.
    pub statements: usize,
    /// Error-level diagnostics.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Files read: migrations, seeds, and migrate.toml when there is one.
    pub files: usize,
    /// Migrations that are history (at or before `checked_after`): replayed,
    /// their findings not reported.
    pub history: usize,
    /// Statements of history migrations that do not parse (skipped by the
    /// schema model; they still run as written).
    pub history_unparsed: usize,
}

/// The totals of a report.
pub fn totals(report: &Report) -> Totals {
    let errors = report.errors().count();
    let statements = report
        .migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()))
        .chain(report.seeds.iter().map(|s| &s.section))
        .map(|section| section.statements.len())
        .sum();
    Totals {
        migrations: report.migrations.len(),
        seeds: report.seeds.len(),
        statements,
        errors,
        warnings: report.diagnostics.len() - errors,
        files: report.files.len(),
        history: report.history.migrations,
        history_unparsed: report.history.unparsed().count(),
    }
}

/// The note on what is history (`checked_after`), then where each history
/// statement that does not parse stands, one per line; empty when nothing
/// is history.
pub fn history_note(report: &Report, color: bool) -> String {
    let Some(note) = report.history.note() else {
        return String::new();
    };
    let mut text = format!("{}: {note}", styled("note", BOLD, color));
    text.push_str(&lines(
        report
            .history
            .unparsed()
            .map(|d| format!("{}: skipped, {}", d.location(&report.files), d.message)),
        "  ",
    ));
    text.push('\n');
    text
}

/// The last line of human output, naming the [`Totals`]:
/// `error: 2 errors, 1 warning in 14 migrations (52 statements, 15 files)`
/// or `ok: 14 migrations checked (52 statements, 15 files), no errors (1 warning)`.
pub fn summary(report: &Report, color: bool) -> String {
    let t = totals(report);
    let mut migrations = count(t.migrations, "migration");
    if t.seeds > 0 {
        migrations.push_str(" and ");
        migrations.push_str(&count(t.seeds, "seed"));
    }
    let covered = format!(
        "({}, {})",
        count(t.statements, "statement"),
        count(t.files, "file")
    );
    if t.errors > 0 {
        let mut counts = count(t.errors, "error");
        if t.warnings > 0 {
            counts.push_str(", ");
            counts.push_str(&count(t.warnings, "warning"));
        }
        format!(
            "{}: {counts} in {migrations} {covered}",
            styled("error", RED_BOLD, color)
        )
    } else {
        let mut line = format!(
            "{}: {migrations} checked {covered}, no errors",
            styled("ok", GREEN_BOLD, color)
        );
        if t.warnings > 0 {
            line.push_str(&format!(" ({})", count(t.warnings, "warning")));
        }
        line
    }
}

/// Prints every diagnostic rendered like rustc, then the summary, on stdout.
pub fn human(report: &Report) {
    let color = use_color(io::stdout().is_terminal());
    let mut text = report.render(color);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&history_note(report, color));
    text.push_str(&summary(report, color));
    text.push('\n');
    emit(&text);
}

/// One diagnostic in `--format json`.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// The rule id.
    pub rule: &'a str,
    /// `error` or `warning`.
    pub severity: &'a str,
    /// The file's path, as shown in human output.
    pub file: &'a str,
    /// 1-based line of the span's start.
    pub line: u32,
    /// 1-based column (in characters) of the span's start.
    pub column: u32,
    /// 1-based line of the span's end.
    pub end_line: u32,
    /// 1-based column (in characters) of the span's end (exclusive).
    pub end_column: u32,
    /// The headline.
    pub message: &'a str,
    /// The label under the span (may be empty).
    pub label: &'a str,
    /// The safe way to do it.
    pub help: Option<&'a str>,
    /// The lock taken and what it blocks.
    pub lock: Option<&'a str>,
    /// Further notes.
    pub notes: &'a [std::borrow::Cow<'static, str>],
    /// The migration version, when the finding belongs to one.
    pub version: Option<&'a str>,
}

/// The diagnostics of a report in their JSON form.
pub fn json_diagnostics(report: &Report) -> Vec<JsonDiagnostic<'_>> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let file = &report.files[d.file];
            let (end_line, end_column) = file.line_col(d.span.end.max(d.span.start));
            JsonDiagnostic {
                rule: d.rule,
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                file: &file.path,
                line: d.line,
                column: d.column,
                end_line,
                end_column,
                message: &d.message,
                label: &d.label,
                help: d.help.as_deref(),
                lock: d.lock.as_deref(),
                notes: &d.notes,
                version: d.version.as_deref(),
            }
        })
        .collect()
}

/// `lint --format json`: the diagnostics and the totals.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    totals: Totals,
}

/// Prints `{"diagnostics": [...], "totals": {...}}` on stdout.
pub fn json(report: &Report) -> Result<(), Failure> {
    let out = JsonReport {
        diagnostics: json_diagnostics(report),
        totals: totals(report),
    };
    let mut text = serde_json::to_string_pretty(&out)
        .map_err(|e| Failure(format!("cannot serialize the diagnostics: {e}")))?;
    text.push('\n');
    emit(&text);
    Ok(())
}

/// Prints a JSON value, pretty, on stdout.
pub fn emit_json(value: &serde_json::Value) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure(format!("cannot serialize the output: {e}")))?;
    text.push('\n');
    emit(&text);
    Ok(())
}
