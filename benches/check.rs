//! Throughput of the whole check pipeline (`migrate_check::check`) on
//! corpora from `../shared/bench/gen_corpus.py` (100 and 1,000 migrations,
//! each dialect), beside the parse stage alone (sqlparser's tokenizer over
//! each file, then sqlparser's parser over each statement, through
//! `migrate_check::parse`), in statements per second.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench --bench check
//! ```
//!
//! The corpora are generated into a temporary directory at start-up and
//! removed at the end; without `python3` or the generator script the bench
//! says so and measures nothing. Before timing, each corpus's statement count
//! and `parse-error` diagnostics are printed to stderr (see benches/RESULTS.md).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use migrate_check::discover::read_dir;
use migrate_check::parse::{lex, split_and_parse};
use migrate_check::{Config, Dialect, FileEntry, Input, Report, SourceFile, StmtKind, check};

const GENERATOR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/gen_corpus.py");
const SIZES: [usize; 2] = [100, 1000];

/// One generated corpus, read once.
struct Corpus {
    dialect: Dialect,
    size: usize,
    entries: Vec<FileEntry>,
    /// Up + down statements in the report.
    statements: u64,
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(dialect: Dialect) -> Config {
    Config {
        dialect,
        ..Config::default()
    }
}

fn run_check(entries: Vec<FileEntry>, dialect: Dialect) -> Report {
    check(Input {
        entries,
        display_dir: "migrations".into(),
        config: config(dialect),
        config_source: None,
    })
}

fn generate(dialect: Dialect, size: usize, out: &Path) -> Result<(), String> {
    let status = Command::new("python3")
        .arg(GENERATOR)
        .args(["--dialect", dialect.name(), "--count", &size.to_string()])
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{GENERATOR} failed: {status}"))
    }
}

/// The first two words of a statement, upper-cased: its shape.
fn shape(text: &str) -> String {
    text.split_whitespace()
        .take(2)
        .map(|w| w.trim_end_matches([';', '(']).to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prints what the check reports on a corpus: statements, `parse-error`
/// diagnostics and the shapes of the statements they are about.
fn summarize(c: &Corpus, report: &Report) {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *by_rule.entry(d.rule).or_default() += 1;
    }
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    for m in &report.migrations {
        for section in std::iter::once(&m.up).chain(m.down.as_ref()) {
            for s in &section.statements {
                if matches!(s.kind, StmtKind::Unparsed(_)) {
                    *shapes
                        .entry(shape(report.statement_text(section, s)))
                        .or_default() += 1;
                }
            }
        }
    }
    eprintln!(
        "corpus {}/{}: {} migrations, {} statements (up+down); parse-error: {}; diagnostics by rule: {:?}",
        c.dialect,
        c.size,
        report.migrations.len(),
        c.statements,
        by_rule.get("parse-error").copied().unwrap_or(0),
        by_rule
    );
    for (s, n) in &shapes {
        eprintln!("    unparsed {n:5}  {s}");
    }
}

fn statements(report: &Report) -> u64 {
    report
        .migrations
        .iter()
        .map(|m| m.up.statements.len() + m.down.as_ref().map_or(0, |d| d.statements.len()))
        .sum::<usize>() as u64
}

/// The parse stage alone: tokenize each file and parse every statement
/// (sqlparser's tokenizer and parser; failures fall back to token-level
/// recognition as in the pipeline). Returns the statement count.
fn parse_only(files: &[SourceFile], dialect: Dialect) -> usize {
    let mut n = 0;
    for f in files {
        let mut lexed = lex(f, dialect);
        let all = 0..lexed.tokens.len();
        n += split_and_parse(f, &mut lexed, all, dialect).len();
    }
    n
}

fn sqlparser_dialect(d: Dialect) -> Box<dyn sqlparser::dialect::Dialect> {
    use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
    match d {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::MySql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}

fn main() {
    if !Path::new(GENERATOR).is_file() {
        eprintln!("check bench skipped: the corpus generator {GENERATOR} is absent");
        return;
    }
    let tmp =
        TempDir(std::env::temp_dir().join(format!("migrate-check-bench-{}", std::process::id())));
    let mut corpora = Vec::new();
    for dialect in Dialect::ALL {
        for size in SIZES {
            let dir = tmp.0.join(format!("{dialect}-{size}"));
            if let Err(e) = generate(dialect, size, &dir) {
                eprintln!("check bench skipped: {e}");
                return;
            }
            let entries = read_dir(&dir).expect("read the generated corpus");
            let report = run_check(entries.clone(), dialect);
            let mut c = Corpus {
                dialect,
                size,
                entries,
                statements: 0,
            };
            c.statements = statements(&report);
            summarize(&c, &report);
            corpora.push(c);
        }
    }

    let mut crit = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    for dialect in Dialect::ALL {
        let mut g = crit.benchmark_group(format!("check/{dialect}"));
        for c in corpora.iter().filter(|c| c.dialect == dialect) {
            g.throughput(Throughput::Elements(c.statements));
            g.bench_with_input(BenchmarkId::from_parameter(c.size), c, |b, c| {
                b.iter_batched(
                    || c.entries.clone(),
                    |entries| run_check(entries, c.dialect),
                    BatchSize::LargeInput,
                )
            });
        }
        g.finish();

        // Raw sqlparser on the very same statements, as the yardstick
        // (shared/bench/sqlparse_bench) does it: `Parser::parse_sql` on each.
        let mut g = crit.benchmark_group(format!("raw/{dialect}"));
        for c in corpora.iter().filter(|c| c.dialect == dialect) {
            let report = run_check(c.entries.clone(), c.dialect);
            let texts: Vec<String> = report
                .migrations
                .iter()
                .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()))
                .flat_map(|sec| {
                    sec.statements
                        .iter()
                        .map(|s| report.statement_text(sec, s).to_string())
                })
                .collect();
            let sqlparser_dialect = sqlparser_dialect(dialect);
            g.throughput(Throughput::Elements(c.statements));
            g.bench_with_input(BenchmarkId::from_parameter(c.size), &texts, |b, texts| {
                b.iter(|| {
                    texts
                        .iter()
                        .filter(|t| {
                            sqlparser::parser::Parser::parse_sql(sqlparser_dialect.as_ref(), t)
                                .is_ok()
                        })
                        .count()
                })
            });
        }
        g.finish();

        let mut g = crit.benchmark_group(format!("parse/{dialect}"));
        for c in corpora.iter().filter(|c| c.dialect == dialect) {
            let files: Vec<SourceFile> = c
                .entries
                .iter()
                .map(|e| SourceFile::decode(&e.rel_path, &e.rel_path, &e.bytes).expect("UTF-8"))
                .collect();
            g.throughput(Throughput::Elements(c.statements));
            g.bench_with_input(BenchmarkId::from_parameter(c.size), &files, |b, files| {
                b.iter(|| black_box(parse_only(black_box(files), dialect)))
            });
        }
        g.finish();
    }
    crit.final_summary();
}
