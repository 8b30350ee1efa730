//! `tool rules`: a migrate.toml with every rule at "warn".
//! `tool parse-errors DIR DIALECT`: the files of DIR with a `parse-error`,
//! one per line, and on stderr the shapes of the statements at fault.

use std::collections::{BTreeMap, BTreeSet};

use migrate_check::{Config, StmtKind, check_dir, rules};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("rules") => {
            println!("# Every rule of migrate_check::rules::all() at \"warn\": the corpora hold");
            println!("# hazards on purpose. Structural errors (parse-error, …) cannot be lowered.");
            println!("[rules]");
            for r in rules::all() {
                println!("{} = \"warn\"", r.id);
            }
        }
        Some("parse-errors") if args.len() == 3 => {
            let config = Config {
                dialect: args[2].parse().expect("dialect"),
                ..Config::default()
            };
            let report = check_dir(args[1].as_ref(), "", config).expect("read the corpus");
            let mut files = BTreeSet::new();
            for d in report
                .diagnostics
                .iter()
                .filter(|d| d.rule == "parse-error")
            {
                files.insert(report.files[d.file].rel_path.clone());
            }
            let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
            for m in &report.migrations {
                for section in std::iter::once(&m.up).chain(m.down.as_ref()) {
                    for s in &section.statements {
                        if matches!(s.kind, StmtKind::Unparsed(_)) {
                            let text = report.statement_text(section, s);
                            let shape: Vec<&str> = text.split_whitespace().take(2).collect();
                            *shapes.entry(shape.join(" ").to_uppercase()).or_default() += 1;
                        }
                    }
                }
            }
            for f in &files {
                println!("{f}");
            }
            for (s, n) in &shapes {
                eprintln!("  parse-error {n:5}  {s} …");
            }
        }
        _ => {
            eprintln!("usage: tool rules | tool parse-errors DIR DIALECT");
            std::process::exit(2);
        }
    }
}
