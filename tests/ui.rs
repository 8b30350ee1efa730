//! Compile-fail and pass UI tests of `embed_migrations!` (trybuild).
//!
//! Every rule's bad example (generated under docs/rules/examples from its
//! declaration) must fail the build with that rule, every good example must
//! build; `tests/ui/*/*.stderr` hold the compiler's exact output.
//! Regenerate them with `TRYBUILD=overwrite cargo test --test ui`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// trybuild compiles the cases in a project of its own under
/// `<target>/tests/trybuild/migrate`, whose `CARGO_MANIFEST_DIR` is that
/// directory; the macro resolves paths against it. Link the fixture
/// directories there so the cases can name them portably.
fn link_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version=1"])
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let target = PathBuf::from(meta["target_directory"].as_str().expect("target_directory"));
    let project = target.join("tests").join("trybuild").join("migrate");
    std::fs::create_dir_all(&project).expect("trybuild project dir");
    for (link, dest) in [
        ("rules", root.join("docs/rules/examples")),
        ("ui", root.join("tests/ui/migrations")),
    ] {
        let link = project.join(link);
        let _ = std::fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dest, &link).expect("symlink fixtures");
        #[cfg(not(unix))]
        std::os::windows::fs::symlink_dir(&dest, &link).expect("symlink fixtures");
    }
}

/// One case per rule and dialect, from the rule's declaration: its bad
/// example must fail the build (for rules that are errors by default), its
/// good example must build. `MIGRATE_BLESS=1` writes them; otherwise a
/// missing or stale case fails the test.
fn rule_cases() -> BTreeMap<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = BTreeMap::new();
    for rule in migrate_check::rules::all() {
        let id = rule.id;
        let snake = id.replace('-', "_");
        for (kind, examples) in [("bad", rule.bad), ("good", rule.good)] {
            let mut dialects = Vec::new();
            for ex in examples {
                // One case per dialect (the first example); examples that
                // need settings (a server version) are covered by the docs test.
                if dialects.contains(&ex.dialect) || ex.text.contains("-- file: migrate.toml") {
                    continue;
                }
                dialects.push(ex.dialect);
                let d = ex.dialect.name();
                // An example with seeds is a project: `migrations/` and `seeds/` beside it.
                let sub = if ex.text.contains("-- file: seeds/") {
                    "/migrations"
                } else {
                    ""
                };
                let dir = format!("rules/{id}/{d}/{kind}{sub}");
                let (folder, body) = if kind == "bad" {
                    // Only bad examples that fail the build: the rule is an
                    // error, and this example's findings are not warning-only
                    // (an error rule may report milder cases as warnings).
                    if rule.default_level != migrate_check::Level::Error
                        || (sub.is_empty()
                            && !fails_the_build(
                                &root
                                    .join("docs/rules/examples")
                                    .join(&dir["rules/".len()..]),
                                id,
                                ex.dialect,
                            ))
                    {
                        continue;
                    }
                    (
                        "fail",
                        format!(
                            "// Generated from the declaration of `{id}`: its bad example fails the build.\nconst MIGRATIONS: migrate::Migrations =\n    migrate::embed_migrations!(\"{dir}\", dialect = \"{d}\");\n\nfn main() {{\n    let _ = MIGRATIONS;\n}}\n"
                        ),
                    )
                } else {
                    (
                        "pass",
                        format!(
                            "// Generated from the declaration of `{id}`: its good example builds.\nconst MIGRATIONS: migrate::Migrations =\n    migrate::embed_migrations!(\"{dir}\", dialect = \"{d}\");\n\nfn main() {{\n    assert!(!MIGRATIONS.migrations().is_empty());\n}}\n"
                        ),
                    )
                };
                cases.insert(
                    root.join(format!("tests/ui/{folder}/rule_{snake}_{d}.rs")),
                    body,
                );
            }
        }
    }
    cases
}

/// Whether checking an example directory (`docs/rules/examples/…`) reports
/// `rule` as an error.
fn fails_the_build(dir: &Path, rule: &str, dialect: migrate_check::Dialect) -> bool {
    let config = migrate_check::Config {
        dialect,
        ..migrate_check::Config::default()
    };
    let report = migrate_check::check_dir(dir, "", config).expect("the example directory");
    report
        .diagnostics
        .iter()
        .any(|d| d.rule == rule && d.severity == migrate_check::Severity::Error)
}

fn sync_rule_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let wanted = rule_cases();
    let bless = std::env::var_os("MIGRATE_BLESS").is_some();
    let mut problems = Vec::new();
    for folder in ["fail", "pass"] {
        for entry in std::fs::read_dir(root.join("tests/ui").join(folder)).expect("tests/ui") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with("rule_") && name.ends_with(".rs") && !wanted.contains_key(&path) {
                if bless {
                    let _ = std::fs::remove_file(&path);
                    let _ = std::fs::remove_file(path.with_extension("stderr"));
                } else {
                    problems.push(format!("generated by no rule: {}", path.display()));
                }
            }
        }
    }
    for (path, body) in &wanted {
        if std::fs::read_to_string(path).ok().as_deref() != Some(body.as_str()) {
            if bless {
                std::fs::write(path, body).expect("write a UI case");
            } else {
                problems.push(format!("missing or stale: {}", path.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the rule UI cases are stale: run MIGRATE_BLESS=1 TRYBUILD=overwrite cargo test --test ui\n{}",
        problems.join("\n")
    );
}

#[test]
fn ui() {
    sync_rule_cases();
    link_fixtures();
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
