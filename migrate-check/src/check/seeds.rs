//! Seeds: reference data in `.sql` files of a `seeds` directory beside the
//! migrations directory. Each file is one block of statements that runs in a
//! transaction of its own, after every migration, in name order; a
//! `-- migrate:env(dev, test)` line limits it to those environments. They
//! are checked like migrations, against the schema the migrations leave, and
//! `seed-not-idempotent` checks that running one again changes nothing.

use std::io;
use std::path::{Path, PathBuf};

use super::{
    Allow, Diagnostic, FileEntry, FileId, Lexed, RawSection, Section, Severity, SourceFile,
    checksum, lex_file, parse_section,
};
use crate::config::Config;
use crate::directives::{self, DirectiveKind};
use crate::parse;

/// A seeds directory to check together with the migrations.
#[derive(Clone, Debug, Default)]
pub struct SeedInput {
    /// The `.sql` files, relative to the seeds directory (see [`read_seeds`]).
    pub entries: Vec<FileEntry>,
    /// Prefix for paths in messages (the directory relative to the crate root, `seeds`).
    pub display_dir: String,
}

/// A checked seed file: what the macro embeds.
#[derive(Clone, Debug)]
pub struct Seed {
    /// Its name: the path relative to the seeds directory without `.sql`
    /// (`01_countries`). Seeds run in the order of their names.
    pub name: String,
    /// The environments it is limited to (`-- migrate:env(…)`); empty: all.
    pub environments: Vec<String>,
    /// Its statements; always transactional.
    pub section: Section,
    /// `sha256:<hex>` over its statements: a seed whose checksum changed runs again.
    pub checksum: String,
}

/// The default seeds directory of a migrations directory: `seeds` beside it.
///
/// ```
/// use std::path::Path;
/// use migrate_check::seeds_dir_beside;
/// assert_eq!(seeds_dir_beside(Path::new("migrations")), Path::new("seeds"));
/// assert_eq!(seeds_dir_beside(Path::new("db/migrations")), Path::new("db/seeds"));
/// assert_eq!(seeds_dir_beside(Path::new("/srv/app/migrations/")), Path::new("/srv/app/seeds"));
/// ```
pub fn seeds_dir_beside(migrations: &Path) -> PathBuf {
    migrations
        .parent()
        .map_or_else(|| PathBuf::from("seeds"), |p| p.join("seeds"))
}

/// Reads the `.sql` files of a seeds directory and of its subdirectories,
/// skipping hidden entries and other files, sorted by relative path (the
/// order they run in).
pub fn read_seeds(dir: &Path) -> io::Result<Vec<FileEntry>> {
    let mut entries = crate::discover::read_dir(dir)?;
    entries.retain(|e| is_sql(&e.rel_path));
    Ok(entries)
}

fn is_sql(rel_path: &str) -> bool {
    rel_path.to_ascii_lowercase().ends_with(".sql")
}

/// Builds the seeds from the files `ids` (already decoded; `readable[id]`
/// false for the unreadable ones, which are reported already).
pub(super) fn build_seeds(
    ids: std::ops::Range<FileId>,
    files: &[SourceFile],
    readable: &[bool],
    lexed: &mut [Option<Lexed>],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    allows: &mut Vec<Allow>,
) -> Vec<Seed> {
    let mut order: Vec<FileId> = ids.collect();
    order.sort_by(|a, b| files[*a].rel_path.cmp(&files[*b].rel_path));
    let mut seeds = Vec::with_capacity(order.len());
    for id in order {
        if !readable[id] {
            continue;
        }
        let rel = &files[id].rel_path;
        if !is_sql(rel) {
            diags.push(
                Diagnostic::new(
                    "unknown-layout",
                    Severity::Error,
                    files,
                    id,
                    0..0,
                    format!("`{}` in the seeds directory is not a `.sql` file", files[id].path),
                )
                .label("not a seed")
                .help("a seed is a `.sql` file of the seeds directory; seeds run in the order of their names (`01_countries.sql`)"),
            );
            continue;
        }
        seeds.push(build_seed(id, files, lexed, config, diags, allows));
    }
    seeds
}

fn build_seed(
    file: FileId,
    files: &[SourceFile],
    lexed: &mut [Option<Lexed>],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    allows: &mut Vec<Allow>,
) -> Seed {
    let f = &files[file];
    let name = f.rel_path[..f.rel_path.len() - 4].to_string();
    let lx = lex_file(files, lexed, file, config, diags);
    let mut environments: Option<Vec<String>> = None;
    let mut directive_allows = Vec::new();
    let bad =
        |diags: &mut Vec<Diagnostic>, span: std::ops::Range<usize>, msg: String, help: &str| {
            diags.push(
                Diagnostic::new("bad-directive", Severity::Error, files, file, span, msg)
                    .label("here")
                    .help(help.to_string()),
            );
        };
    let first_non_ws = lx.tokens.iter().position(|t| {
        !matches!(
            t.token,
            sqlparser::tokenizer::Token::Whitespace(
                sqlparser::tokenizer::Whitespace::Space
                    | sqlparser::tokenizer::Whitespace::Newline
                    | sqlparser::tokenizer::Whitespace::Tab
            )
        )
    });
    for (i, t) in lx.tokens.iter().enumerate() {
        let Some(comment) = parse::comment_text(&t.token) else {
            continue;
        };
        let Some(parsed) = directives::parse_comment(comment, Some(i) == first_non_ws) else {
            continue;
        };
        let span = f.offset(t.span.start.line, t.span.start.column)
            ..f.offset(t.span.end.line, t.span.end.column);
        match parsed {
            Err(msg) => bad(
                diags,
                span,
                msg,
                "in a seed: `-- migrate:env(dev, test)` and `-- migrate:allow(rule-id): reason`",
            ),
            Ok(DirectiveKind::Env {
                environments: named,
            }) => {
                if environments.is_some() {
                    bad(
                        diags,
                        span,
                        "a second `-- migrate:env` in one seed file".into(),
                        "list every environment in one directive: `-- migrate:env(dev, test)`",
                    );
                } else {
                    environments = Some(named);
                }
            }
            Ok(DirectiveKind::Allow { rules, .. }) => directive_allows.push((i, span, rules)),
            Ok(DirectiveKind::NoTransaction) => bad(
                diags,
                span,
                "a seed cannot run outside a transaction".into(),
                "each seed file runs in one transaction, so that a failing seed leaves nothing half-done; remove the directive",
            ),
            Ok(
                DirectiveKind::Up { .. }
                | DirectiveKind::Down { .. }
                | DirectiveKind::Irreversible { .. }
                | DirectiveKind::Empty { .. },
            ) => bad(
                diags,
                span,
                "a section marker in a seed file".into(),
                "a seed has no up and down sections: it is one block of statements that can run again; schema changes belong in a migration",
            ),
        }
    }
    let raw = RawSection {
        file,
        tokens: 0..lx.tokens.len(),
        transactional: Some(true),
        marker: 0..0,
        empty_reason: None,
    };
    let (mut section, ranges) = parse_section(&raw, files, lexed, config, diags, &name);
    for (token, span, rules) in directive_allows {
        match ranges.iter().position(|r| r.start > token) {
            Some(i) => {
                for r in &rules {
                    section.statements[i].allows.push((r.clone(), allows.len()));
                }
                allows.push(Allow {
                    history: false,
                    file,
                    span,
                    used: vec![false; rules.len()],
                    rules,
                });
            }
            None => diags.push(
                Diagnostic::new(
                    "unused-allow",
                    Severity::Error,
                    files,
                    file,
                    span,
                    "`-- migrate:allow` is not followed by a statement in its seed",
                )
                .label("nothing to suppress")
                .help("put the directive on the line right above the statement it is for"),
            ),
        }
    }
    let checksum = checksum(&section, files);
    Seed {
        name,
        environments: environments.unwrap_or_default(),
        section,
        checksum,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Dialect, FileEntry, Input, SeedInput, check_with_seeds};

    fn file(p: &str, t: &str) -> FileEntry {
        FileEntry {
            rel_path: p.into(),
            bytes: t.as_bytes().to_vec(),
        }
    }

    fn run(dialect: Dialect, seeds: &[(&str, &str)]) -> crate::Report {
        let ty = if dialect == Dialect::MySql {
            "varchar(80)"
        } else {
            "text"
        };
        check_with_seeds(
            Input {
                entries: vec![file(
                    "1_countries.sql",
                    &format!(
                        "-- migrate:up\nCREATE TABLE countries (code {ty} PRIMARY KEY, name {ty});\n-- migrate:down\nDROP TABLE countries;\n"
                    ),
                )],
                display_dir: "migrations".into(),
                config: Config {
                    dialect,
                    ..Config::default()
                },
                config_source: None,
            },
            SeedInput {
                entries: seeds.iter().map(|(p, t)| file(p, t)).collect(),
                display_dir: "seeds".into(),
            },
        )
    }

    fn rules(r: &crate::Report) -> Vec<(&str, String)> {
        r.diagnostics
            .iter()
            .map(|d| (d.rule, d.location(&r.files)))
            .collect()
    }

    #[test]
    fn seeds_are_named_ordered_and_limited_to_environments() {
        let r = run(
            Dialect::Postgres,
            &[
                (
                    "02_dev_users.sql",
                    "-- migrate:env(dev, test)\nINSERT INTO countries VALUES ('zz', 'Test') ON CONFLICT DO NOTHING;\n",
                ),
                (
                    "01_countries.sql",
                    "INSERT INTO countries VALUES ('fr', 'France') ON CONFLICT (code) DO UPDATE SET name = excluded.name;\n",
                ),
            ],
        );
        assert!(r.diagnostics.is_empty(), "{}", r.render(false));
        let seeds: Vec<(&str, Vec<String>)> = r
            .seeds
            .iter()
            .map(|s| (s.name.as_str(), s.environments.clone()))
            .collect();
        assert_eq!(
            seeds,
            [
                ("01_countries", vec![]),
                ("02_dev_users", vec!["dev".to_string(), "test".to_string()])
            ]
        );
        assert!(r.seeds[0].section.transactional);
        assert!(r.seeds[0].checksum.starts_with("sha256:"));
        assert_eq!(
            r.files[r.seeds[0].section.file].path,
            "seeds/01_countries.sql"
        );
    }

    #[test]
    fn the_checksum_ignores_comments_and_the_environment_line() {
        let a = run(
            Dialect::Sqlite,
            &[(
                "a.sql",
                "INSERT OR IGNORE INTO countries VALUES ('fr', 'France');\n",
            )],
        );
        let b = run(
            Dialect::Sqlite,
            &[(
                "a.sql",
                "-- migrate:env(dev)\n-- France\nINSERT OR IGNORE INTO countries VALUES ('fr', 'France');\n",
            )],
        );
        let c = run(
            Dialect::Sqlite,
            &[(
                "a.sql",
                "INSERT OR IGNORE INTO countries VALUES ('fr', 'FRANCE');\n",
            )],
        );
        assert_eq!(a.seeds[0].checksum, b.seeds[0].checksum);
        assert_ne!(a.seeds[0].checksum, c.seeds[0].checksum);
    }

    #[test]
    fn migration_directives_are_rejected_in_seeds_and_env_in_migrations() {
        let r = run(
            Dialect::Sqlite,
            &[(
                "a.sql",
                "-- migrate:up\n-- migrate:no-transaction\n-- migrate:env(prod)\n-- migrate:env(dev)\n-- migrate:env(Prod)\nINSERT OR IGNORE INTO countries VALUES ('fr', 'France');\n",
            )],
        );
        let got = rules(&r);
        for line in 1..=5 {
            if line == 3 {
                continue;
            }
            assert!(
                got.contains(&("bad-directive", format!("seeds/a.sql:{line}:1"))),
                "line {line}: {got:?}"
            );
        }
        assert_eq!(r.seeds[0].environments, ["prod"]);

        let r = check_with_seeds(
            Input {
                entries: vec![file(
                    "1_a.sql",
                    "-- migrate:up\n-- migrate:env(dev)\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n",
                )],
                display_dir: "migrations".into(),
                config: Config::default(),
                config_source: None,
            },
            SeedInput::default(),
        );
        assert_eq!(
            rules(&r),
            [("bad-directive", "migrations/1_a.sql:2:1".to_string())]
        );
    }

    #[test]
    fn allows_work_and_must_be_used_in_seeds() {
        let r = run(
            Dialect::Postgres,
            &[(
                "a.sql",
                "-- migrate:allow(seed-not-idempotent): the table is emptied by the test harness first\nINSERT INTO countries VALUES ('fr', 'France');\n-- migrate:allow(seed-not-idempotent): nothing to suppress\nDELETE FROM countries WHERE code = 'xx';\n",
            )],
        );
        assert_eq!(rules(&r), [("unused-allow", "seeds/a.sql:3:1".to_string())]);
    }

    #[test]
    fn broken_seed_files_are_reported_not_skipped() {
        let r = check_with_seeds(
            Input {
                entries: vec![],
                display_dir: "migrations".into(),
                config: Config::default(),
                config_source: None,
            },
            SeedInput {
                entries: vec![
                    file("a.sql", ""),
                    FileEntry {
                        rel_path: "b.sql".into(),
                        bytes: vec![0xff, 0x00],
                    },
                    file("c.sql", "INSERT INTO t VALUES (1,,);"),
                    file("notes.txt", "x"),
                ],
                display_dir: "seeds".into(),
            },
        );
        let mut got: Vec<&str> = r.diagnostics.iter().map(|d| d.rule).collect();
        got.sort_unstable();
        assert_eq!(
            got,
            [
                "empty-section",
                "parse-error",
                "unknown-layout",
                "unreadable-file"
            ]
        );
    }
}
