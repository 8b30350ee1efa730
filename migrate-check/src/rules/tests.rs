//! Every rule's examples are its tests: each bad example reports the rule at
//! the line marked `-- expect: <id>`, each good example does not report it.

use super::*;
use crate::{Config, FileEntry, Input, SeedInput, Severity, check_with_seeds};

/// Splits an example into files; returns them and the expected (file, line) marks.
pub(crate) fn example_files(text: &str) -> (Vec<FileEntry>, Vec<(String, u32, String)>) {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut marks = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- file: ") {
            files.push((name.trim().to_string(), String::new()));
            continue;
        }
        let (_, body) = files.last_mut().expect("an example starts with `-- file:`");
        let kept = match line.find(" -- expect: ") {
            Some(i) => {
                let n = body.lines().count() as u32 + 1;
                let name = files.last().unwrap().0.clone();
                marks.push((name, n, line[i + 12..].trim().to_string()));
                &line[..i]
            }
            None => line,
        };
        let (_, body) = files.last_mut().unwrap();
        body.push_str(kept);
        body.push('\n');
    }
    let entries = files
        .into_iter()
        .filter(|(name, _)| name != "migrate.toml")
        .map(|(rel_path, body)| FileEntry {
            rel_path,
            bytes: body.into_bytes(),
        })
        .collect();
    (entries, marks)
}

/// An example's settings: its `migrate.toml` file (a server version, say)
/// when it has one, and its dialect.
pub(crate) fn example_config(example: &Example) -> Config {
    let mut config = match example.text.split("-- file: migrate.toml\n").nth(1) {
        Some(rest) => {
            let toml = rest.split("-- file: ").next().unwrap_or_default();
            Config::from_toml(toml).unwrap_or_else(|e| panic!("example migrate.toml: {e}"))
        }
        None => Config::default(),
    };
    config.dialect = example.dialect;
    config
}

fn run(rule: &Rule, example: &Example) -> (crate::Report, Vec<(String, u32, String)>) {
    let (entries, marks) = example_files(example.text);
    // `-- file: seeds/NAME` files are seeds, in the `seeds` directory beside the migrations.
    let (seeds, entries): (Vec<FileEntry>, Vec<FileEntry>) = entries
        .into_iter()
        .partition(|e| e.rel_path.starts_with("seeds/"));
    let seeds = SeedInput {
        entries: seeds
            .into_iter()
            .map(|e| FileEntry {
                rel_path: e.rel_path["seeds/".len()..].to_string(),
                bytes: e.bytes,
            })
            .collect(),
        display_dir: "seeds".into(),
    };
    let mut config = example_config(example);
    // An opt-in rule's examples show what it reports once enabled.
    if rule.default_level == Level::Allow {
        config.rule_levels.insert(rule.id.to_string(), Level::Warn);
    }
    (
        check_with_seeds(
            Input {
                entries,
                display_dir: String::new(),
                config,
                config_source: None,
            },
            seeds,
        ),
        marks,
    )
}

#[test]
fn bad_examples_report_their_rule_at_the_marked_line() {
    let mut checked = 0;
    for rule in all() {
        for ex in rule.bad {
            let (report, marks) = run(rule, ex);
            assert!(
                !marks.is_empty(),
                "{}: bad example without `-- expect:` mark",
                rule.id
            );
            for (file, line, id) in &marks {
                assert_eq!(id, rule.id, "mark names another rule");
                let hit = report.diagnostics.iter().any(|d| {
                    // `path`: the name as in the example (`seeds/` kept for seeds).
                    d.rule == rule.id && report.files[d.file].path == *file && d.line == *line
                });
                assert!(
                    hit,
                    "{} ({}): expected at {file}:{line}, got:\n{}",
                    rule.id,
                    ex.dialect,
                    report.render(false)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} bad examples");
}

#[test]
fn good_examples_are_clean() {
    for rule in all() {
        for ex in rule.good {
            let (report, _) = run(rule, ex);
            let errors: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            assert!(
                errors.is_empty(),
                "{} ({}): good example has errors:\n{}",
                rule.id,
                ex.dialect,
                report.render(false)
            );
        }
    }
}

#[test]
fn ids_are_unique_kebab_case_and_documented() {
    let mut seen = std::collections::HashSet::new();
    for rule in all() {
        assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
        assert!(
            rule.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            rule.id
        );
        assert!(
            !rule.summary.is_empty()
                && !rule.explanation.is_empty()
                && !rule.safe_alternative.is_empty()
        );
        if rule.check.is_some() {
            assert!(
                !rule.bad.is_empty() && !rule.good.is_empty(),
                "{} needs examples both ways",
                rule.id
            );
            for d in rule.dialects {
                assert!(
                    rule.bad.iter().any(|e| e.dialect == *d)
                        || rule.bad.len() < rule.dialects.len(),
                    "{}: no bad example for {d}",
                    rule.id
                );
            }
        }
    }
}

#[test]
fn version_gates_are_data() {
    static GATED: Rule = Rule {
        id: "gated",
        dialects: &[PG],
        default_level: Level::Error,
        versions: &[VersionGate {
            dialect: PG,
            since: Some(ServerVersion::new(12, 0, 0)),
            until: Some(ServerVersion::new(14, 4, 0)),
        }],
        summary: "s",
        explanation: "e",
        lock: "",
        safe_alternative: "a",
        equivalents: "",
        bad: &[],
        good: &[],
        check: None,
    };
    assert!(!GATED.applies(PG, "11".parse().unwrap()));
    assert!(GATED.applies(PG, "12".parse().unwrap()));
    assert!(GATED.applies(PG, "14.3".parse().unwrap()));
    assert!(!GATED.applies(PG, "14.4".parse().unwrap()));
    assert!(!GATED.applies(MY, "12".parse().unwrap()));
}
