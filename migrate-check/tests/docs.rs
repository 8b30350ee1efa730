//! The rule documentation is generated from the rule declarations, which stay
//! the single source (as eugene and clippy do): `docs/rules/<id>.md`,
//! `docs/rules/README.md` and every example written out as a real migrations
//! directory under `docs/rules/examples/<id>/<dialect>/{bad,good}/`.
//!
//! `MIGRATE_BLESS=1 cargo test -p migrate-check --test docs` writes them;
//! without it the test fails when a file differs, is missing, or is stale.
//! A second test checks the directories on disk behave as declared.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use migrate_check::config::{
    DEFAULT_MYSQL_VERSION, DEFAULT_POSTGRES_VERSION, DEFAULT_SQLITE_VERSION,
};
use migrate_check::rules::{self, Example, Rule};
use migrate_check::{
    Config, Dialect, Input, Level, SeedInput, ServerVersion, Severity, check, check_with_seeds,
    discover,
};

const BLESS_HINT: &str = "run MIGRATE_BLESS=1 cargo test -p migrate-check --test docs";

fn docs_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("docs/rules")
}

fn blessing() -> bool {
    std::env::var("MIGRATE_BLESS").is_ok_and(|v| v == "1")
}

// ---------------------------------------------------------------------------
// Examples: the same splitting as `example_files` in src/rules/tests.rs.

/// One file of an example: its name, its text without `-- expect:` marks,
/// and the 1-based lines that carry a mark (with the rule id named there).
struct ExampleFile {
    name: String,
    text: String,
    marks: Vec<(u32, String)>,
}

fn example_files(text: &str) -> Vec<ExampleFile> {
    let mut files: Vec<ExampleFile> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- file: ") {
            files.push(ExampleFile {
                name: name.trim().to_string(),
                text: String::new(),
                marks: Vec::new(),
            });
            continue;
        }
        let file = files.last_mut().expect("an example starts with `-- file:`");
        let kept = match line.find(" -- expect: ") {
            Some(i) => {
                let n = file.text.lines().count() as u32 + 1;
                file.marks.push((n, line[i + 12..].trim().to_string()));
                &line[..i]
            }
            None => line,
        };
        file.text.push_str(kept);
        file.text.push('\n');
    }
    files
}

/// An example with seed files (`-- file: seeds/NAME`) is written as a
/// project: its migrations in `migrations/`, its seeds in `seeds/` beside
/// them, where `cargo migrate` looks for them.
fn with_seeds_layout(mut files: Vec<ExampleFile>) -> Vec<ExampleFile> {
    if files.iter().any(|f| f.name.starts_with("seeds/")) {
        for f in &mut files {
            if !f.name.starts_with("seeds/") && f.name != "migrate.toml" {
                f.name = format!("migrations/{}", f.name);
            }
        }
    }
    files
}

fn has_seeds(files: &[ExampleFile]) -> bool {
    files.iter().any(|f| f.name.starts_with("seeds/"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bad,
    Good,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Bad => "bad",
            Kind::Good => "good",
        }
    }
}

/// An example placed on disk: `examples/<id>/<dialect>/<bad|good>[-n]`.
struct Placed {
    rule: &'static Rule,
    example: &'static Example,
    kind: Kind,
    /// Relative to `docs/rules`.
    dir: String,
    files: Vec<ExampleFile>,
}

/// Every example of every rule, with its directory. A second example of the
/// same rule, dialect and kind goes to `bad-2`, `bad-3`, …
fn placed_examples() -> Vec<Placed> {
    let mut out = Vec::new();
    for rule in rules::all() {
        for (kind, list) in [(Kind::Bad, rule.bad), (Kind::Good, rule.good)] {
            let mut seen: BTreeMap<Dialect, usize> = BTreeMap::new();
            for example in list {
                let n = seen.entry(example.dialect).or_insert(0);
                *n += 1;
                let suffix = if *n == 1 {
                    String::new()
                } else {
                    format!("-{n}")
                };
                out.push(Placed {
                    rule,
                    example,
                    kind,
                    dir: format!(
                        "examples/{}/{}/{}{suffix}",
                        rule.id,
                        example.dialect.name(),
                        kind.name()
                    ),
                    files: with_seeds_layout(example_files(example.text)),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Rendering.

fn dialect_title(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "PostgreSQL",
        Dialect::MySql => "MySQL/MariaDB",
        Dialect::Sqlite => "SQLite",
    }
}

fn version_key(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "postgres_version",
        Dialect::MySql => "mysql_version",
        Dialect::Sqlite => "sqlite_version",
    }
}

/// A version as users write it: `15`, `8.0`, `3.35` (not `15.0.0`).
fn short(v: ServerVersion, d: Dialect) -> String {
    let mut s = v.to_string();
    if d == Dialect::Postgres && v.major() >= 10 && v == ServerVersion::new(v.major(), 0, 0) {
        return v.major().to_string();
    }
    while s.matches('.').count() > 1 && s.ends_with(".0") {
        s.truncate(s.len() - 2);
    }
    s
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Allow => "allow",
        Level::Warn => "warning",
        Level::Error => "error",
    }
}

fn dialects(rule: &Rule) -> String {
    rule.dialects
        .iter()
        .map(|d| dialect_title(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The server versions a rule applies to, one line per gated dialect.
fn versions(rule: &Rule) -> String {
    if rule.versions.is_empty() {
        return "every version".to_string();
    }
    let mut parts: Vec<String> = rule
        .versions
        .iter()
        .map(|g| {
            let range = match (g.since, g.until) {
                (Some(s), Some(u)) => {
                    format!("≥ {} and < {}", short(s, g.dialect), short(u, g.dialect))
                }
                (Some(s), None) => format!("≥ {}", short(s, g.dialect)),
                (None, Some(u)) => format!("< {}", short(u, g.dialect)),
                (None, None) => "every version".to_string(),
            };
            format!("{} {range}", dialect_title(g.dialect))
        })
        .collect();
    for d in rule.dialects {
        if !rule.versions.iter().any(|g| g.dialect == *d) {
            parts.push(format!("{} every version", dialect_title(*d)));
        }
    }
    parts.join("; ")
}

/// A table cell: no pipes, no line breaks.
fn cell(s: &str) -> String {
    if s.is_empty() {
        return "—".to_string();
    }
    s.replace('|', "\\|").replace('\n', " ")
}

fn is_hard(rule: &Rule) -> bool {
    rules::HARD.contains(&rule.id)
}

fn rule_page(rule: &Rule, placed: &[Placed]) -> String {
    let id = rule.id;
    let mut p = String::new();
    let _ = writeln!(p, "# `{id}`\n");
    let _ = writeln!(
        p,
        "<!-- Generated from the rule's declaration in migrate-check/src/rules/ by `MIGRATE_BLESS=1 cargo test -p migrate-check --test docs`. Do not edit by hand. -->\n"
    );
    let _ = writeln!(p, "{}\n", rule.summary);
    let _ = writeln!(p, "| | |\n|---|---|");
    let _ = writeln!(p, "| Dialects | {} |", dialects(rule));
    let _ = writeln!(p, "| Default level | {} |", level_name(rule.default_level));
    let _ = writeln!(p, "| Server versions | {} |", cell(&versions(rule)));
    let kind = if rule.check.is_some() {
        "statement rule: runs on every statement, with the schema built by the earlier migrations"
    } else {
        "structural: raised by the pipeline itself (discovery, directives, parsing)"
    };
    let _ = writeln!(p, "| Kind | {kind} |");
    if rule.check.is_some() {
        let in_down = if migrate_check::rules::STAY_ERRORS_IN_DOWN.contains(&id) {
            "as in an up section: what it reports fails on the server or destroys data the up did not create"
        } else {
            "its errors are warnings (`check_down = \"strict\"` in `migrate.toml` makes them errors): a rollback takes on the way back what its up took on the way out"
        };
        let _ = writeln!(p, "| In a down section | {in_down} |");
    }
    let _ = writeln!(p);
    if !rule.versions.is_empty() {
        let keys: Vec<String> = rule
            .versions
            .iter()
            .map(|g| format!("`{}`", version_key(g.dialect)))
            .collect();
        let _ = writeln!(
            p,
            "The rule runs when the oldest server version the migrations must be safe on ({} in `migrate.toml`) is in the range above.\n",
            keys.join(", ")
        );
    }

    let _ = writeln!(p, "## Problem\n\n{}\n", rule.explanation);
    if !rule.lock.is_empty() {
        let _ = writeln!(p, "## Lock\n\n{}\n", rule.lock);
    }
    let _ = writeln!(p, "## Safe alternative\n\n{}\n", rule.safe_alternative);

    for kind in [Kind::Bad, Kind::Good] {
        let mine: Vec<&Placed> = placed
            .iter()
            .filter(|x| x.rule.id == id && x.kind == kind)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let title = match kind {
            Kind::Bad => "Bad",
            Kind::Good => "Good",
        };
        let _ = writeln!(p, "## {title}\n");
        for x in mine {
            let d = x.example.dialect;
            let _ = writeln!(p, "### {}\n", dialect_title(d));
            let _ = writeln!(
                p,
                "{what}, also on disk in [`{dir}/`]({dir}/); try it with `cargo migrate lint --dialect {} docs/rules/{dir}{migrations}{config}`.\n",
                d.name(),
                what = if has_seeds(&x.files) {
                    "A project: migrations, and seeds beside them"
                } else {
                    "A migrations directory"
                },
                dir = x.dir,
                migrations = if has_seeds(&x.files) {
                    "/migrations"
                } else {
                    ""
                },
                config = if x.files.iter().any(|f| f.name == "migrate.toml") {
                    format!(" --config docs/rules/{}/migrate.toml", x.dir)
                } else {
                    String::new()
                }
            );
            for f in &x.files {
                let _ = write!(p, "`{}`", f.name);
                if !f.marks.is_empty() {
                    let lines: Vec<String> = f.marks.iter().map(|(l, _)| l.to_string()).collect();
                    let s = if lines.len() == 1 { "" } else { "s" };
                    let _ = write!(p, " — reported at line{s} {}", lines.join(", "));
                }
                let lang = if f.name.ends_with(".toml") {
                    "toml"
                } else {
                    "sql"
                };
                let _ = writeln!(p, ":\n\n```{lang}\n{}```\n", f.text);
            }
        }
    }

    let _ = writeln!(p, "## Equivalents in other tools\n");
    if rule.equivalents.contains(" · ") {
        for e in rule.equivalents.split(" · ") {
            let _ = writeln!(p, "- {}", e.trim());
        }
        let _ = writeln!(p);
    } else {
        let _ = writeln!(p, "{}\n", cell(rule.equivalents));
    }

    let _ = writeln!(p, "## Suppress\n");
    if rule.check.is_some() {
        let _ = writeln!(
            p,
            "For one statement, say why on the line right above it (the reason is required; an `allow` that suppresses nothing is itself an error, `unused-allow`):\n\n```sql\n-- migrate:allow({id}): <why it is safe here>\n```\n"
        );
    } else {
        let _ = writeln!(
            p,
            "This finding is about the files, not about a statement: `-- migrate:allow({id})` does not apply to it (it would be reported as `unused-allow`).\n"
        );
    }
    if is_hard(rule) {
        let _ = writeln!(
            p,
            "Its level cannot be lowered in `migrate.toml`: the runner could not run what it describes. Fix the cause instead.\n"
        );
    } else {
        let _ = writeln!(
            p,
            "For the whole project, in `migrate.toml` beside `Cargo.toml` (`\"warn\"` reports without failing the build, `\"allow\"` turns the rule off):\n\n```toml\n[rules]\n{id} = \"warn\"\n```"
        );
    }
    p.truncate(p.trim_end().len());
    p.push('\n');
    p
}

fn readme(placed_rules: &[&Rule]) -> String {
    let mut p = String::new();
    let _ = writeln!(p, "# Rules\n");
    let _ = writeln!(
        p,
        "<!-- Generated from the rule declarations in migrate-check/src/rules/ by `MIGRATE_BLESS=1 cargo test -p migrate-check --test docs`. Do not edit by hand. -->\n"
    );
    let _ = writeln!(
        p,
        "Every migration is checked against these rules when the crate that embeds it builds (`embed_migrations!`) and by `cargo migrate lint`. Each page below comes from the rule's declaration, and its bad and good examples are both its tests and real migrations directories under [`examples/`](examples/).\n"
    );
    let _ = writeln!(p, "## Levels\n");
    let _ = writeln!(
        p,
        "A rule is an **error** (the build fails) when the statement:\n\n\
         - blocks reads or writes on an existing table for a time that grows with the table,\n\
         - loses data,\n\
         - breaks code that is running while the migration deploys,\n\
         - is sure to fail at deploy, or\n\
         - silently does something else than what is written.\n\n\
         It is a **warning** when the statement may fail depending on the data, and for hygiene and advice.\n"
    );
    let _ = writeln!(
        p,
        "Levels are set per project in `migrate.toml`, beside `Cargo.toml`; `cargo migrate lint` reads the same file:\n\n\
         ```toml\n\
         dialect = \"postgres\"     # postgres | mysql | sqlite\n\
         postgres_version = \"{}\"  # the oldest server the migrations must be safe on\n\
         \n\
         [rules]\n\
         drop-table = \"warn\"      # allow | warn | error\n\
         ```\n",
        short(DEFAULT_POSTGRES_VERSION, Dialect::Postgres)
    );
    let _ = writeln!(
        p,
        "`allow` turns a rule off, `warn` reports it without failing the build, `error` fails the build. The oldest server versions default to PostgreSQL {}, MySQL {} and SQLite {} (`postgres_version`, `mysql_version`, `sqlite_version`); rules that only matter on some versions say so on their page. For MariaDB, set `mariadb_version = \"10.11\"` instead of `mysql_version`: the `mysql` dialect then follows MariaDB's online DDL (instant ADD COLUMN since 10.3/10.4) and its foreign-key parsing (inline `REFERENCES` honoured since 10.5).\n",
        short(DEFAULT_POSTGRES_VERSION, Dialect::Postgres),
        short(DEFAULT_MYSQL_VERSION, Dialect::MySql),
        short(DEFAULT_SQLITE_VERSION, Dialect::Sqlite),
    );
    let hard: Vec<String> = rules::HARD.iter().map(|h| format!("`{h}`")).collect();
    let _ = writeln!(
        p,
        "One statement is accepted with `-- migrate:allow(<rule-id>): <reason>` on the line above it; the reason is required, and an `allow` that suppresses nothing is an error. The structural findings {} cannot be lowered: the runner could not run what they describe.\n",
        hard.join(", ")
    );
    let _ = writeln!(p, "## All rules\n");
    let _ = writeln!(
        p,
        "| Rule | Dialects | Default level | Lock | Equivalents |\n|---|---|---|---|---|"
    );
    for rule in placed_rules {
        let _ = writeln!(
            p,
            "| [`{id}`]({id}.md) | {} | {} | {} | {} |",
            dialects(rule),
            level_name(rule.default_level),
            cell(rule.lock),
            cell(rule.equivalents),
            id = rule.id,
        );
    }
    p
}

/// Every generated file, by path relative to `docs/rules`.
fn generate() -> BTreeMap<String, String> {
    let placed = placed_examples();
    let all: Vec<&Rule> = rules::all().collect();
    let mut out = BTreeMap::new();
    out.insert("README.md".to_string(), readme(&all));
    for rule in &all {
        out.insert(format!("{}.md", rule.id), rule_page(rule, &placed));
    }
    for x in &placed {
        for f in &x.files {
            let path = format!("{}/{}", x.dir, f.name);
            assert!(
                out.insert(path.clone(), f.text.clone()).is_none(),
                "{}: two example files would be written to {path}",
                x.rule.id
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Comparing and writing.

fn files_on_disk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let e = e.expect("read docs/rules");
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        if e.file_type().expect("file type").is_dir() {
            files_on_disk(&e.path(), &format!("{rel}/"), out);
        } else {
            out.insert(rel, std::fs::read(e.path()).expect("read a docs file"));
        }
    }
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_dirs(&e.path());
            let _ = std::fs::remove_dir(e.path()); // fails unless empty
        }
    }
}

/// Blesses or compares, once per test run (the other test waits for it).
fn sync_docs() -> &'static Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let root = docs_dir();
        let wanted = generate();
        let mut have = BTreeMap::new();
        files_on_disk(&root, "", &mut have);
        let normalized = |b: &[u8]| String::from_utf8_lossy(b).replace("\r\n", "\n");
        let differing: Vec<&String> = wanted
            .iter()
            .filter(|(p, text)| have.get(*p).is_none_or(|b| normalized(b) != **text))
            .map(|(p, _)| p)
            .collect();
        let stale: Vec<&String> = have.keys().filter(|p| !wanted.contains_key(*p)).collect();
        if blessing() {
            for p in &differing {
                let path = root.join(p);
                std::fs::create_dir_all(path.parent().expect("a parent"))
                    .unwrap_or_else(|e| panic!("create the directory of {}: {e}", path.display()));
                std::fs::write(&path, &wanted[*p])
                    .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            }
            for p in &stale {
                let path = root.join(p);
                std::fs::remove_file(&path)
                    .unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
            }
            remove_empty_dirs(&root);
            return Ok(());
        }
        if differing.is_empty() && stale.is_empty() {
            return Ok(());
        }
        let mut msg = format!("docs/rules is stale: {BLESS_HINT}\n");
        for p in differing {
            let what = if have.contains_key(p) {
                "differs"
            } else {
                "missing"
            };
            let _ = writeln!(msg, "  {what}: docs/rules/{p}");
        }
        for p in stale {
            let _ = writeln!(msg, "  generated by no rule: docs/rules/{p}");
        }
        Err(msg)
    })
}

/// The sentence of the README that counts the rules, from the declarations.
fn readme_rule_counts() -> String {
    let statement: Vec<&Rule> = rules::statement_rules().collect();
    let in_dialect = |d: Dialect| statement.iter().filter(|r| r.dialects.contains(&d)).count();
    let structural: Vec<String> = rules::STRUCTURAL_RULES
        .iter()
        .map(|r| format!("`{}`", r.id))
        .collect();
    format!(
        "There are {} statement rules: {} for PostgreSQL, {} for MySQL/MariaDB and {} for SQLite (a rule may serve several dialects), plus {} structural ones ({}).",
        statement.len(),
        in_dialect(Dialect::Postgres),
        in_dialect(Dialect::MySql),
        in_dialect(Dialect::Sqlite),
        structural.len(),
        structural.join(", ")
    )
}

#[test]
fn the_readme_counts_the_rules_declared() {
    const OPEN: &str = "<!-- rule-counts: generated from the declarations by `MIGRATE_BLESS=1 cargo test -p migrate-check --test docs` -->\n";
    const CLOSE: &str = "<!-- /rule-counts -->";
    let path = docs_dir().join("../../README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let start = text.find(OPEN).expect("the README's rule-counts block") + OPEN.len();
    let end = start + text[start..].find(CLOSE).expect("its end");
    let wanted = format!("{}\n", readme_rule_counts());
    if text[start..end] == wanted {
        return;
    }
    if blessing() {
        let updated = format!("{}{wanted}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!(
        "README.md counts the rules wrongly: {BLESS_HINT}\nwanted: {wanted}have:   {}",
        &text[start..end]
    );
}

#[test]
fn rule_docs_are_generated_from_the_declarations() {
    if let Err(msg) = sync_docs() {
        panic!("{msg}");
    }
    // The generation covers every rule, and the index links each page.
    let wanted = generate();
    let readme = &wanted["README.md"];
    for rule in rules::all() {
        let page = &wanted[&format!("{}.md", rule.id)];
        assert!(page.starts_with(&format!("# `{}`\n", rule.id)));
        assert!(page.contains(rule.summary) && page.contains(rule.explanation));
        assert!(page.contains(rule.safe_alternative));
        assert_eq!(
            page.contains("## Lock"),
            !rule.lock.is_empty(),
            "{}",
            rule.id
        );
        assert!(
            readme.contains(&format!("[`{id}`]({id}.md)", id = rule.id)),
            "README.md does not link {}",
            rule.id
        );
    }
}

// ---------------------------------------------------------------------------
// The files on disk behave as the declarations say.

fn check_on_disk(x: &Placed) -> migrate_check::Report {
    let dir = docs_dir().join(&x.dir);
    let entries = discover::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e} ({BLESS_HINT})", dir.display()));
    let names: Vec<&str> = entries.iter().map(|e| e.rel_path.as_str()).collect();
    // An example's `migrate.toml` is its settings, not a migration.
    let declared: Vec<&str> = x
        .files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| *n != "migrate.toml")
        .collect();
    let mut config = match std::fs::read_to_string(dir.join("migrate.toml")) {
        Ok(text) => {
            Config::from_toml(&text).unwrap_or_else(|e| panic!("{}/migrate.toml: {e}", x.dir))
        }
        Err(_) => Config::default(),
    };
    config.dialect = x.example.dialect;
    // An opt-in rule's examples show what it reports once enabled.
    if x.rule.default_level == migrate_check::Level::Allow {
        config
            .rule_levels
            .insert(x.rule.id.to_string(), migrate_check::Level::Warn);
    }
    assert_eq!(
        names,
        {
            let mut d = declared.clone();
            d.sort_unstable();
            d
        },
        "{}: the files on disk are not the declared ones ({BLESS_HINT})",
        x.dir
    );
    if !has_seeds(&x.files) {
        return check(Input {
            entries,
            display_dir: format!("docs/rules/{}", x.dir),
            config,
            config_source: None,
        });
    }
    let read = |sub: &str| {
        let d = dir.join(sub);
        discover::read_dir(&d)
            .unwrap_or_else(|e| panic!("read {}: {e} ({BLESS_HINT})", d.display()))
    };
    check_with_seeds(
        Input {
            entries: read("migrations"),
            display_dir: format!("docs/rules/{}/migrations", x.dir),
            config,
            config_source: None,
        },
        SeedInput {
            entries: read("seeds"),
            display_dir: format!("docs/rules/{}/seeds", x.dir),
        },
    )
}

#[test]
fn examples_on_disk_behave_as_declared() {
    // In bless mode, wait for the files to be written.
    let _ = sync_docs();
    let placed = placed_examples();
    let mut bad = 0;
    for x in &placed {
        let report = check_on_disk(x);
        let id = x.rule.id;
        match x.kind {
            Kind::Bad => {
                bad += 1;
                let expected = match x.rule.default_level {
                    Level::Error => Severity::Error,
                    _ => Severity::Warning,
                };
                for f in &x.files {
                    for (line, mark) in &f.marks {
                        assert_eq!(mark, id, "{}: a mark names another rule", x.dir);
                        // A rule at `error` may report some findings as
                        // warnings only (`Finding::warning_only`).
                        let hit = report.diagnostics.iter().any(|d| {
                            d.rule == id
                                && (d.severity == expected || expected == Severity::Error)
                                && report.files[d.file].path
                                    == format!("docs/rules/{}/{}", x.dir, f.name)
                                && d.line == *line
                        });
                        assert!(
                            hit,
                            "{}: `{id}` ({}) expected at {}:{line}, got:\n{}",
                            x.dir,
                            expected,
                            f.name,
                            report.render(false)
                        );
                    }
                }
                assert!(
                    x.files.iter().any(|f| !f.marks.is_empty()),
                    "{}: a bad example without `-- expect:` mark",
                    x.dir
                );
            }
            Kind::Good => {
                let errors: Vec<String> = report
                    .errors()
                    .map(|d| d.render(&report.files, false))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{}: the good example has errors:\n{}",
                    x.dir,
                    errors.join("\n\n")
                );
                assert!(
                    report.diagnostics.iter().all(|d| d.rule != id),
                    "{}: the good example reports its own rule:\n{}",
                    x.dir,
                    report.render(false)
                );
            }
        }
    }
    assert!(bad >= 10, "only {bad} bad examples on disk");
}
