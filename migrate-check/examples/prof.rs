//! Times the check pipeline beside raw sqlparser on the same statements
//! (min of N runs each, so that a loaded machine disturbs it less than a mean).
//!
//! `cargo run --release -p migrate-check --example prof -- DIR [postgres|mysql|sqlite] [N]`
use std::time::{Duration, Instant};

use migrate_check::{Config, Dialect, Input, check, discover::read_dir};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: prof DIR [dialect] [runs]");
    let dialect: Dialect = args
        .next()
        .as_deref()
        .unwrap_or("postgres")
        .parse()
        .expect("dialect");
    let runs: usize = args.next().map_or(10, |n| n.parse().expect("runs"));
    let entries = read_dir(dir.as_ref()).expect("read corpus");
    let run = || {
        check(Input {
            entries: entries.clone(),
            display_dir: String::new(),
            config: Config {
                dialect,
                ..Config::default()
            },
            config_source: None,
        })
    };
    let report = run();
    // `PROF_CHECK_ONLY=1`: only the pipeline, for a profiler.
    if std::env::var_os("PROF_CHECK_ONLY").is_some() {
        for _ in 0..runs {
            drop(run());
        }
        return;
    }
    let texts: Vec<String> = report
        .migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()))
        .flat_map(|s| {
            s.statements
                .iter()
                .map(|st| report.statement_text(s, st).to_string())
        })
        .collect();
    let parser_dialect: Box<dyn sqlparser::dialect::Dialect> = match dialect {
        Dialect::Postgres => Box::new(sqlparser::dialect::PostgreSqlDialect {}),
        Dialect::MySql => Box::new(sqlparser::dialect::MySqlDialect {}),
        Dialect::Sqlite => Box::new(sqlparser::dialect::SQLiteDialect {}),
    };
    let min = |f: &dyn Fn()| {
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO)
    };
    let cpu_before = cpu_seconds();
    let checked = min(&|| drop(run()));
    // CPU time over both threads of the pipeline, per run (Linux only).
    let checked_cpu = cpu_seconds()
        .zip(cpu_before)
        .map(|(a, b)| (a - b) / runs as f64);
    let files: Vec<migrate_check::SourceFile> = entries
        .iter()
        .map(|e| {
            migrate_check::SourceFile::decode(&e.rel_path, &e.rel_path, &e.bytes).expect("UTF-8")
        })
        .collect();
    let parse_stage = min(&|| {
        for f in &files {
            let mut lexed = migrate_check::parse::lex(f, dialect);
            let all = 0..lexed.tokens.len();
            drop(migrate_check::parse::split_and_parse(
                f, &mut lexed, all, dialect,
            ));
        }
    });
    let raw = min(&|| {
        for t in &texts {
            let _ = sqlparser::parser::Parser::parse_sql(parser_dialect.as_ref(), t);
        }
    });
    let n = texts.len() as f64;
    println!(
        "{dialect}: {} statements, {} diagnostics; check {:.1} ms ({:.0} stmt/s; of which lex+split+parse {:.1} ms), raw sqlparser {:.1} ms ({:.0} stmt/s), ratio {:.2}",
        texts.len(),
        report.diagnostics.len(),
        checked.as_secs_f64() * 1e3,
        n / checked.as_secs_f64(),
        parse_stage.as_secs_f64() * 1e3,
        raw.as_secs_f64() * 1e3,
        n / raw.as_secs_f64(),
        raw.as_secs_f64() / checked.as_secs_f64()
    );
    if let Some(cpu) = checked_cpu {
        println!(
            "  check CPU time (all threads, mean per run): {:.1} ms, ratio to raw {:.2}",
            cpu * 1e3,
            raw.as_secs_f64() / cpu
        );
    }
}

/// User + system CPU seconds of this process so far, from /proc (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
