//! The pipeline: discover → directives → parse → model → rules → diagnostics.
//! Pure: text in, migrations and diagnostics out. The macro, the CLI and
//! the tests all enter here.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};
use sqlparser::tokenizer::Token;

use crate::config::{Config, Level};
use crate::diagnostics::{Diagnostic, Severity};
use crate::directives::{self, DirectiveKind};
use crate::discover::{self, Candidate, FileEntry, Layout, VersionOrder};
use crate::model::Schema;
use crate::parse::{self, Lexed};
use crate::rules::{self, Ctx, Findings, SectionKind, SectionState};
use crate::source::{DecodeError, FileId, SourceFile};
use crate::statement::{Stmt, StmtKind};

mod seeds;
pub use seeds::{Seed, SeedInput, read_seeds, seeds_dir_beside};

/// A section of a checked migration.
#[derive(Clone, Debug)]
pub struct Section {
    /// The file it is in.
    pub file: FileId,
    /// Whether the runner wraps it in a transaction.
    pub transactional: bool,
    /// Its statements, in order.
    pub statements: Vec<Stmt>,
    /// Where the section's marker stands (for diagnostics about the section).
    pub marker: Range<usize>,
}

/// A checked migration: what the macro embeds.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The version as written.
    pub version: String,
    /// Its numeric components.
    pub version_parts: Vec<u64>,
    /// The key it sorts by in [`Report::order`]: its numeric components, or
    /// the text its tool compares, packed ([`discover::text_key`]). The
    /// runtime's `Version::parts`.
    pub version_key: Vec<u64>,
    /// The name.
    pub name: String,
    /// The layout it was found in.
    pub layout: Layout,
    /// The up section.
    pub up: Section,
    /// The down section, unless irreversible (or missing: then a diagnostic says so).
    pub down: Option<Section>,
    /// The reason given with `-- migrate:irreversible`.
    pub irreversible: Option<String>,
    /// `sha256:<hex>` over the up statements and the transaction mode.
    pub checksum: String,
    /// Every file that makes up the migration (for rebuild tracking).
    pub files: Vec<FileId>,
    /// It is history: at or before `checked_after`, replayed into the
    /// schema model, its findings not reported.
    pub history: bool,
}

impl Migration {
    fn sections_mut(&mut self) -> impl Iterator<Item = &mut Section> {
        std::iter::once(&mut self.up).chain(self.down.as_mut())
    }
}

/// The result of a check.
#[derive(Clone, Debug)]
pub struct Report {
    /// Every file read, in the order of [`Diagnostic::file`].
    pub files: Vec<SourceFile>,
    /// The migrations, oldest first.
    pub migrations: Vec<Migration>,
    /// The seeds, in name order (empty unless checked with [`check_with_seeds`]).
    pub seeds: Vec<Seed>,
    /// Every finding, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The migrations that are history (`checked_after`), and what reading
    /// them found that is not reported.
    pub history: History,
    /// The order the migrations run in.
    pub order: VersionOrder,
}

/// The migrations at or before `checked_after` in `migrate.toml`: they ran
/// long ago, so they are replayed into the schema model (later migrations
/// are judged against the schema they left) but what the check finds in
/// them is not reported. Only new migrations can fail the build.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// `checked_after` as written (`None`: every migration is checked).
    pub checked_after: Option<String>,
    /// How many migrations are history.
    pub migrations: usize,
    /// Whether `checked_after` is the version of one of them (otherwise
    /// they are those ordered before it).
    pub names_a_migration: bool,
    /// What reading them found, not reported: statements that do not
    /// parse (skipped by the model: their effects on it are unknown),
    /// missing downs, malformed directives.
    pub findings: Vec<Diagnostic>,
}

impl History {
    /// The statements of history migrations that do not parse.
    pub fn unparsed(&self) -> impl Iterator<Item = &Diagnostic> {
        self.findings.iter().filter(|d| d.rule == "parse-error")
    }

    /// One line for the command line: how much is history, and what it
    /// holds that is not reported (`None` when nothing is history).
    ///
    /// ```
    /// use migrate_check::History;
    /// let h = History { checked_after: Some("20240101000000".into()), migrations: 12, names_a_migration: true, findings: vec![] };
    /// assert_eq!(h.note().unwrap(), "12 migrations up to 20240101000000 are history (`checked_after` in migrate.toml): their findings are not reported; `cargo migrate lint --all` shows them");
    /// ```
    pub fn note(&self) -> Option<String> {
        let until = self.checked_after.as_deref()?;
        let mut note = format!(
            "{} migration{} up to {until} {} history (`checked_after` in migrate.toml)",
            self.migrations,
            if self.migrations == 1 { "" } else { "s" },
            if self.migrations == 1 { "is" } else { "are" },
        );
        if !self.names_a_migration {
            note.push_str(&format!(", though no migration has version {until}"));
        }
        let unparsed = self.unparsed().count();
        if unparsed > 0 {
            note.push_str(&format!(
                "; {unparsed} statement{} there do{} not parse and {} skipped by the schema model",
                if unparsed == 1 { "" } else { "s" },
                if unparsed == 1 { "es" } else { "" },
                if unparsed == 1 { "is" } else { "are" },
            ));
        }
        note.push_str(": their findings are not reported; `cargo migrate lint --all` shows them");
        Some(note)
    }
}

impl Report {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The error-level diagnostics.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// All diagnostics rendered like rustc, one after the other.
    pub fn render(&self, color: bool) -> String {
        self.diagnostics
            .iter()
            .map(|d| d.render(&self.files, color))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The text of a statement of a section.
    pub fn statement_text(&self, section: &Section, stmt: &Stmt) -> &str {
        &self.files[section.file].text[stmt.span.clone()]
    }
}

/// What to check: the files of a migrations directory, how to name them in
/// messages, and the settings.
pub struct Input {
    /// The files, relative to the migrations directory.
    pub entries: Vec<FileEntry>,
    /// Prefix for paths in messages (the directory relative to the crate root, `migrations`).
    pub display_dir: String,
    /// The settings.
    pub config: Config,
    /// The `migrate.toml` the settings came from (path for messages, text),
    /// so that an unknown rule id in it can be pointed at.
    pub config_source: Option<(String, String)>,
}

/// Reads a directory and checks it. `display_dir` prefixes paths in messages.
///
/// ```no_run
/// use migrate_check::{check_dir, Config};
/// let report = check_dir("migrations".as_ref(), "migrations", Config::default()).unwrap();
/// if report.has_errors() {
///     eprintln!("{}", report.render(false));
/// }
/// ```
pub fn check_dir(dir: &Path, display_dir: &str, config: Config) -> std::io::Result<Report> {
    let entries = discover::read_dir(dir)?;
    Ok(check(Input {
        entries,
        display_dir: display_dir.to_string(),
        config,
        config_source: None,
    }))
}

/// Checks a set of migration files.
///
/// ```
/// use migrate_check::{check, Config, Dialect, FileEntry, Input};
/// let file = |p: &str, t: &str| FileEntry { rel_path: p.into(), bytes: t.as_bytes().to_vec() };
/// let report = check(Input {
///     entries: vec![
///         file("1_orders.sql", "-- migrate:up\nCREATE TABLE orders (id bigint, user_id bigint);\n-- migrate:down\nDROP TABLE orders;\n"),
///         file("2_index.sql", "-- migrate:up\nCREATE INDEX i ON orders (user_id);\n-- migrate:down\nDROP INDEX i;\n"),
///     ],
///     display_dir: "migrations".into(),
///     config: Config { dialect: Dialect::Postgres, ..Config::default() },
///     config_source: None,
/// });
/// let d = &report.diagnostics[0];
/// assert_eq!(d.rule, "create-index-non-concurrently");
/// assert_eq!(d.location(&report.files), "migrations/2_index.sql:2:1");
/// ```
pub fn check(input: Input) -> Report {
    check_with_seeds(input, SeedInput::default())
}

/// Checks a set of migration files and the seed files beside them: the
/// seeds are checked after every migration, against the schema the
/// migrations leave, each as one transaction.
///
/// ```
/// use migrate_check::{check_with_seeds, Config, Dialect, FileEntry, Input, SeedInput};
/// let file = |p: &str, t: &str| FileEntry { rel_path: p.into(), bytes: t.as_bytes().to_vec() };
/// let report = check_with_seeds(
///     Input {
///         entries: vec![file("1_countries.sql", "-- migrate:up\nCREATE TABLE countries (code text PRIMARY KEY, name text);\n-- migrate:down\nDROP TABLE countries;\n")],
///         display_dir: "migrations".into(),
///         config: Config { dialect: Dialect::Postgres, ..Config::default() },
///         config_source: None,
///     },
///     SeedInput {
///         entries: vec![file("01_countries.sql", "INSERT INTO countries VALUES ('fr', 'France');\n")],
///         display_dir: "seeds".into(),
///     },
/// );
/// let d = &report.diagnostics[0];
/// assert_eq!(d.rule, "seed-not-idempotent");
/// assert_eq!(d.location(&report.files), "seeds/01_countries.sql:1:1");
/// assert_eq!(report.seeds[0].name, "01_countries");
/// ```
pub fn check_with_seeds(input: Input, seeds: SeedInput) -> Report {
    check_inner(input, seeds, false)
}

/// [`check`], keeping every statement's syntax tree in the report: for
/// tests that replay a report's statements themselves.
#[cfg(test)]
pub(crate) fn check_with_syntax(input: Input) -> Report {
    check_inner(input, SeedInput::default(), true)
}

fn check_inner(input: Input, seeds: SeedInput, keep_syntax: bool) -> Report {
    let Input {
        entries,
        display_dir,
        config,
        config_source,
    } = input;
    let mut diags = Vec::new();
    let mut files: Vec<SourceFile> = Vec::with_capacity(entries.len() + seeds.entries.len() + 1);
    let mut readable = Vec::with_capacity(entries.len());
    decode_all(
        &entries,
        &display_dir,
        &mut files,
        &mut readable,
        &mut diags,
    );
    let migration_files = files.len();
    decode_all(
        &seeds.entries,
        &seeds.display_dir,
        &mut files,
        &mut readable,
        &mut diags,
    );

    let discovered =
        discover::classify_ordered(&files[..migration_files], config.version_order, &mut diags);
    let candidates = discovered.candidates;
    let mut history = History {
        checked_after: config.checked_after.clone(),
        ..History::default()
    };
    let history_len = match &config.checked_after {
        Some(until) => {
            let (len, exact) = history_len(&candidates, discovered.order, until);
            history.names_a_migration = exact;
            len
        }
        None => 0,
    };

    let seed_files = migration_files..files.len();

    // Unknown rules named in migrate.toml.
    let config_file = config_source.map(|(path, text)| {
        files.push(SourceFile::from_text(&path, &path, &text));
        files.len() - 1
    });
    for rule in config.rule_levels.keys() {
        if rules::by_id(rule).is_none() {
            let (file, span) = match config_file {
                Some(f) => (f, rule_key_span(&files[f].text, rule)),
                None => continue,
            };
            diags.push(
                Diagnostic::new(
                    "unknown-rule",
                    Severity::Error,
                    &files,
                    file,
                    span,
                    format!("unknown rule `{rule}` in `[rules]`"),
                )
                .label("no rule has this id")
                .help(suggest(rule)),
            );
        }
    }

    let (migrations, mut analysis) = read_and_analyze(
        &candidates,
        history_len,
        &readable,
        &files,
        &config,
        keep_syntax,
        &mut diags,
    );
    // Seeds run after every migration, each in its own transaction, against
    // the schema the migrations leave.
    let mut lexed: Vec<Option<Lexed>> = (0..files.len()).map(|_| None).collect();
    let mut seed_allows = Vec::new();
    let mut seeds = seeds::build_seeds(
        seed_files,
        &files,
        &readable,
        &mut lexed,
        &config,
        &mut diags,
        &mut seed_allows,
    );
    analysis.seeds(
        &mut seeds,
        seed_allows,
        migrations.len(),
        &files,
        &mut diags,
    );
    history.findings = analysis.finish(&files, &mut diags);
    history.migrations = migrations.iter().filter(|m| m.history).count();
    apply_levels(&mut diags, &config);
    diags.sort_by(|a, b| (a.file, a.span.start, a.rule).cmp(&(b.file, b.span.start, b.rule)));
    Report {
        files,
        migrations,
        seeds,
        diagnostics: diags,
        history,
        order: discovered.order,
    }
}

/// How many of the ordered `candidates` are history under `checked_after
/// = until`, and whether `until` is the version of one of them. A version
/// no migration has (a migration squashed or deleted since) still divides
/// them: those ordered before it are history.
fn history_len(candidates: &[Candidate], order: VersionOrder, until: &str) -> (usize, bool) {
    // Its numeric components (diesel's dashes removed), when it is a number,
    // and its text without dashes: worked out once, not per migration.
    let numeric: Option<Vec<u64>> = until
        .split(['.', '_'])
        .map(|p| p.replace('-', "").parse::<u64>().ok())
        .collect();
    let bare = until.replace('-', "");
    // The same version: as written, without diesel's dashes, or the same
    // number (`2` names `0002`).
    let same = |c: &Candidate| {
        c.version == until
            || c.version.replace('-', "") == bare
            || numeric
                .as_deref()
                .is_some_and(|p| discover::compare_parts(p, &c.parts).is_eq())
    };
    if let Some(i) = candidates.iter().rposition(same) {
        return (i + 1, true);
    }
    // No migration has it: those before it, compared as numbers where it
    // is one (`4` comes after `0002`, even where the tool orders text).
    let before = |c: &Candidate| match (&numeric, order) {
        (Some(p), _) => discover::compare_parts(&c.parts, p).is_le(),
        (None, VersionOrder::Numeric) => false,
        (None, VersionOrder::Text) => {
            discover::text_key(&c.version.replace('-', "")) <= discover::text_key(&bare)
        }
    };
    let len = candidates.iter().take_while(|c| before(c)).count();
    (len, false)
}

/// Decodes `entries` into `files` (paths prefixed with `display_dir`);
/// an unreadable one is reported and kept, empty, under its name.
fn decode_all(
    entries: &[FileEntry],
    display_dir: &str,
    files: &mut Vec<SourceFile>,
    readable: &mut Vec<bool>,
    diags: &mut Vec<Diagnostic>,
) {
    let prefix = display_dir.trim_end_matches('/');
    for e in entries {
        let path = if prefix.is_empty() {
            e.rel_path.clone()
        } else {
            format!("{prefix}/{}", e.rel_path)
        };
        match SourceFile::decode(&path, &e.rel_path, &e.bytes) {
            Ok(f) => {
                files.push(f);
                readable.push(true);
            }
            Err(err) => {
                let why = match err {
                    DecodeError::Binary => "it holds NUL bytes: a binary file, not SQL".to_string(),
                    DecodeError::NotUtf8(at) => {
                        format!("it is not valid UTF-8 (first bad byte at offset {at})")
                    }
                };
                files.push(SourceFile::unreadable(&path, &e.rel_path));
                readable.push(false);
                let id = files.len() - 1;
                diags.push(
                    Diagnostic::new(
                        "unreadable-file",
                        Severity::Error,
                        files,
                        id,
                        0..0,
                        format!("`{path}` cannot be read as SQL: {why}"),
                    )
                    .label("not UTF-8 text")
                    .help("save migrations as UTF-8 text"),
                );
            }
        }
    }
}

/// Where `rule = …` stands under `[rules]` in migrate.toml (start of file if not found).
fn rule_key_span(text: &str, rule: &str) -> Range<usize> {
    let rules_at = text.find("[rules]").unwrap_or(0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let key = line.trim_start().trim_start_matches(['"', '\'']);
        if offset >= rules_at && key.starts_with(rule) {
            // The key itself (its quotes excluded).
            let start = offset + (line.len() - key.len());
            return start..start + rule.len();
        }
        offset += line.len();
    }
    0..0
}

fn suggest(rule: &str) -> String {
    let close = rules::all()
        .map(|r| r.id)
        .min_by_key(|id| edit_distance(id, rule))
        .filter(|id| edit_distance(id, rule) <= 3);
    match close {
        Some(id) => format!("did you mean `{id}`? (the rules are listed in docs/rules/README.md)"),
        None => "the rules are listed in docs/rules/README.md".into(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// An `allow` directive, attached to the statement after it; `used[i]` is
/// set when `rules[i]` suppressed a finding there.
struct Allow {
    /// It stands in a history migration: never reported as unused.
    history: bool,
    file: FileId,
    span: Range<usize>,
    rules: Vec<String>,
    used: Vec<bool>,
}

/// A section being read from a file: its token range and settings.
struct RawSection {
    file: FileId,
    tokens: Range<usize>,
    /// `None` when nothing in the file says; a down then runs as its up does.
    transactional: Option<bool>,
    marker: Range<usize>,
    /// `-- migrate:empty: reason` stands in it: empty on purpose.
    empty_reason: Option<String>,
}

fn lex_file<'a>(
    files: &[SourceFile],
    lexed: &'a mut [Option<Lexed>],
    id: FileId,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> &'a Lexed {
    lexed[id].get_or_insert_with(|| {
        let l = parse::lex(&files[id], config.dialect);
        for (msg, span) in &l.errors {
            diags.push(
                Diagnostic::new("parse-error", Severity::Error, files, id, span.clone(), format!("cannot tokenize: {}", msg.to_lowercase()))
                    .label("the rest of this line is skipped")
                    .help("close the quote or comment; statements on the following lines are still checked"),
            );
        }
        l
    })
}

fn build_migration(
    c: &Candidate,
    files: &[SourceFile],
    lexed: &mut [Option<Lexed>],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    allows: &mut Vec<Allow>,
) -> Option<Migration> {
    let mut irreversible: Option<(String, Range<usize>)> = None;
    let mut directive_allows: Vec<(FileId, usize, Range<usize>, Vec<String>)> = Vec::new();
    let metadata_no_tx = c
        .metadata
        .is_some_and(|m| diesel_no_transaction(&files[m].text));

    let (up, down) = match c.layout {
        Layout::Sections => {
            let lx = lex_file(files, lexed, c.up, config, diags);
            split_sections(
                c.up,
                files,
                lx,
                &mut irreversible,
                &mut directive_allows,
                diags,
            )
        }
        _ => {
            let lx = lex_file(files, lexed, c.up, config, diags);
            let up = whole_file_section(
                c.up,
                files,
                lx,
                true,
                &mut irreversible,
                &mut directive_allows,
                diags,
            );
            let down = c.down.map(|d| {
                let lx = lex_file(files, lexed, d, config, diags);
                whole_file_section(
                    d,
                    files,
                    lx,
                    false,
                    &mut irreversible,
                    &mut directive_allows,
                    diags,
                )
            });
            (Some(up), down)
        }
    };
    let mut up = up?;
    let mut down = down;
    // The up runs in a transaction unless it (or diesel's metadata.toml) says
    // otherwise; a down that says nothing runs the way its up runs — the
    // reverse of a `CREATE INDEX CONCURRENTLY` is a `DROP INDEX CONCURRENTLY`.
    if metadata_no_tx {
        up.transactional = Some(false);
    }
    // Whether a file says how it runs; where none does, Flyway and
    // golang-migrate decide by the statements (below).
    let up_said = up.transactional.is_some();
    let down_said = down.as_ref().is_some_and(|d| d.transactional.is_some()) || metadata_no_tx;
    let up_mode = up.transactional.unwrap_or(true);
    up.transactional = Some(up_mode);
    if let Some(d) = &mut down {
        d.transactional = Some(if metadata_no_tx {
            false
        } else {
            d.transactional.unwrap_or(up_mode)
        });
    }

    // Reversibility.
    let irreversible_reason: Option<String> = match (&down, irreversible) {
        (Some(_), Some((_, span))) => {
            diags.push(
                Diagnostic::new(
                    "bad-directive",
                    Severity::Error,
                    files,
                    c.up,
                    span,
                    "`-- migrate:irreversible` in a migration that has a down section",
                )
                .label("a migration is either reversible or not")
                .help("remove the down section, or this directive"),
            );
            None
        }
        (None, Some((reason, _))) => Some(reason),
        // An empty file is reported once, as an empty section.
        (None, None) if !has_code(&up, lexed) => None,
        (None, None) => {
            let help = match c.layout {
                Layout::Sections => {
                    "add `-- migrate:down` with the statements that undo the up section, or `-- migrate:irreversible: <reason>` where it would stand"
                }
                Layout::Paired => {
                    "add the `.down.sql` file beside it, or write `-- migrate:irreversible: <reason>` in the up file"
                }
                Layout::Directory => {
                    "add `down.sql` to the directory, or write `-- migrate:irreversible: <reason>` in `up.sql`"
                }
                Layout::Flyway => {
                    "add the undo file `U<version>__<name>.sql`, or write `-- migrate:irreversible: <reason>` in the V file"
                }
            };
            diags.push(
                Diagnostic::new("missing-down", Severity::Error, files, c.up, up.marker.clone(), format!("migration {} (`{}`) has no down section", c.version, c.name))
                    .label("no way to roll this migration back")
                    .help(help)
                    .note("say why it cannot be undone with `-- migrate:irreversible: <reason>` to ship it without one")
                    .version(c.version.clone()),
            );
            None
        }
        (Some(_), None) => None,
    };

    let parsed_up = parse_section(&up, files, lexed, config, diags, &c.version);
    let parsed_down = down
        .as_ref()
        .map(|d| parse_section(d, files, lexed, config, diags, &c.version));

    // Flyway runs a script that holds a statement PostgreSQL refuses in a
    // transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …) without
    // one, and golang-migrate sends a file as one batch with no
    // transaction of its own: in their layouts, a file that does not say
    // runs as they ran it.
    let mut up_section = parsed_up;
    let mut down_section = parsed_down;
    if matches!(c.layout, Layout::Paired | Layout::Flyway) {
        let infer = |section: &mut Section, said: bool| {
            if !said && section.statements.iter().any(refused_in_transaction) {
                section.transactional = false;
            }
        };
        infer(&mut up_section.0, up_said);
        if let Some((down, _)) = &mut down_section {
            infer(down, down_said);
        }
    }

    // Attach allow directives to the statement that follows them.
    for (file, token, span, rules_named) in directive_allows {
        let next_statement = [Some(&mut up_section), down_section.as_mut()]
            .into_iter()
            .flatten()
            .filter(|(sec, _)| sec.file == file)
            .find_map(|(sec, ranges)| {
                let i = ranges.iter().position(|r| r.start > token)?;
                Some(&mut sec.statements[i])
            });
        match next_statement {
            Some(stmt) => {
                for r in &rules_named {
                    stmt.allows.push((r.clone(), allows.len()));
                }
                allows.push(Allow {
                    history: false,
                    file,
                    span,
                    used: vec![false; rules_named.len()],
                    rules: rules_named,
                });
            }
            None => diags.push(
                Diagnostic::new(
                    "unused-allow",
                    Severity::Error,
                    files,
                    file,
                    span,
                    "`-- migrate:allow` is not followed by a statement in its section",
                )
                .label("nothing to suppress")
                .help("put the directive on the line right above the statement it is for"),
            ),
        }
    }

    let (up_section, _) = up_section;
    let mut down_section = down_section.map(|(s, _)| s);
    let mut irreversible_reason = irreversible_reason;
    // An empty down undoes nothing: rolling it back would delete the
    // history row and leave the schema as it is, and the next `up` would
    // fail. Unless it says it is empty on purpose, the migration cannot be
    // rolled back (`empty-section` reported it).
    if down_section
        .as_ref()
        .is_some_and(|d| d.statements.is_empty())
        && down.as_ref().is_some_and(|d| d.empty_reason.is_none())
    {
        down_section = None;
        irreversible_reason = Some(
            "its down section is empty: rolling back would undo nothing (write `-- migrate:empty: <reason>` in it if that is what you mean)".into(),
        );
    }
    let checksum = checksum(&up_section, files);
    let mut files_used = vec![c.up];
    files_used.extend(c.down);
    files_used.extend(c.metadata);
    Some(Migration {
        version: c.version.clone(),
        version_parts: c.parts.clone(),
        version_key: c.key.clone(),
        name: c.name.clone(),
        layout: c.layout,
        up: up_section,
        down: down_section,
        irreversible: irreversible_reason,
        checksum,
        files: files_used,
        history: false,
    })
}

/// Whether a section holds anything but whitespace and comments.
fn has_code(section: &RawSection, lexed: &[Option<Lexed>]) -> bool {
    lexed[section.file].as_ref().is_some_and(|l| {
        l.tokens[section.tokens.clone()]
            .iter()
            .any(|t| !matches!(t.token, Token::Whitespace(_)))
    })
}

fn diesel_no_transaction(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Meta {
        run_in_transaction: Option<bool>,
    }
    toml::from_str::<Meta>(text)
        .ok()
        .and_then(|m| m.run_in_transaction)
        == Some(false)
}

/// Reads a single file with `-- migrate:up` / `-- migrate:down` markers into
/// its sections. A file without markers is all up (sqx's simple migrations).
#[allow(clippy::type_complexity)]
fn split_sections(
    file: FileId,
    files: &[SourceFile],
    lx: &Lexed,
    irreversible: &mut Option<(String, Range<usize>)>,
    allows: &mut Vec<(FileId, usize, Range<usize>, Vec<String>)>,
    diags: &mut Vec<Diagnostic>,
) -> (Option<RawSection>, Option<RawSection>) {
    let f = &files[file];
    let mut up: Option<RawSection> = None;
    let mut down: Option<RawSection> = None;
    let mut current: Option<SectionKind> = None;
    let mut first_code: Option<usize> = None;
    let toks = &lx.tokens;
    let span_of = |i: usize| {
        let t = &toks[i];
        f.offset(t.span.start.line, t.span.start.column)
            ..f.offset(t.span.end.line, t.span.end.column)
    };
    let bad = |diags: &mut Vec<Diagnostic>, span: Range<usize>, msg: String, help: &str| {
        diags.push(
            Diagnostic::new("bad-directive", Severity::Error, files, file, span, msg)
                .label("here")
                .help(help.to_string()),
        );
    };
    let first_non_ws = toks.iter().position(|t| {
        !matches!(
            t.token,
            Token::Whitespace(
                sqlparser::tokenizer::Whitespace::Space
                    | sqlparser::tokenizer::Whitespace::Newline
                    | sqlparser::tokenizer::Whitespace::Tab
            )
        )
    });
    for (i, t) in toks.iter().enumerate() {
        let Some(comment) = parse::comment_text(&t.token) else {
            if first_code.is_none() && !matches!(t.token, Token::Whitespace(_)) {
                first_code = Some(i);
            }
            continue;
        };
        let Some(parsed) = directives::parse_comment(comment, Some(i) == first_non_ws) else {
            continue;
        };
        let span = span_of(i);
        let kind = match parsed {
            // dbmate reads a section marker only at the start of a line: an
            // indented one is a comment to it, and what follows stays in the
            // section above. Read it the same way, and say so.
            Ok(DirectiveKind::Up { .. } | DirectiveKind::Down { .. })
                if t.span.start.column != 1 =>
            {
                bad(
                    diags,
                    span,
                    "an indented section marker is not a marker: dbmate reads `-- migrate:up` and `-- migrate:down` only at the start of a line, so the statements below it belong to the section above".into(),
                    "move the marker to the start of its line",
                );
                continue;
            }
            Ok(k) => k,
            Err(msg) => {
                bad(
                    diags,
                    span,
                    msg,
                    "see the directives in DESIGN.md: up, down, no-transaction, allow(…): reason, irreversible: reason",
                );
                continue;
            }
        };
        match kind {
            DirectiveKind::Up { transactional } => {
                if up.is_some() {
                    bad(
                        diags,
                        span,
                        "a second `-- migrate:up` in one file".into(),
                        "one migration per file: move the second pair of sections to a new file with its own version",
                    );
                    continue;
                }
                if let Some(fc) = first_code.filter(|_| current.is_none()) {
                    bad(
                        diags,
                        span_of(fc),
                        "statement before `-- migrate:up`".into(),
                        "move it below the `-- migrate:up` marker",
                    );
                }
                up = Some(RawSection {
                    file,
                    tokens: i + 1..toks.len(),
                    transactional,
                    marker: span,
                    empty_reason: None,
                });
                current = Some(SectionKind::Up);
            }
            DirectiveKind::Down { transactional } => {
                if down.is_some() || up.is_none() {
                    let msg = if up.is_none() {
                        "`-- migrate:down` before `-- migrate:up`"
                    } else {
                        "a second `-- migrate:down` in one file"
                    };
                    bad(
                        diags,
                        span,
                        msg.into(),
                        "a file holds `-- migrate:up`, its statements, then `-- migrate:down` and its statements",
                    );
                    continue;
                }
                if let Some(u) = &mut up {
                    u.tokens.end = i;
                }
                down = Some(RawSection {
                    file,
                    tokens: i + 1..toks.len(),
                    transactional,
                    marker: span,
                    empty_reason: None,
                });
                current = Some(SectionKind::Down);
            }
            DirectiveKind::NoTransaction => match current {
                Some(SectionKind::Down) => {
                    down.as_mut().expect("current").transactional = Some(false)
                }
                Some(SectionKind::Up) => up.as_mut().expect("current").transactional = Some(false),
                Some(SectionKind::Seed) => {}
                None if up.is_none() => {
                    // sqlx's first-line marker on a file without sections.
                    up = Some(RawSection {
                        file,
                        tokens: 0..toks.len(),
                        transactional: Some(false),
                        marker: span.start..span.start,
                        empty_reason: None,
                    });
                    current = Some(SectionKind::Up);
                }
                None => {}
            },
            DirectiveKind::Irreversible { reason } => {
                if down.is_some() {
                    bad(
                        diags,
                        span,
                        "`-- migrate:irreversible` inside the down section".into(),
                        "it stands where `-- migrate:down` would: replace the down section with it",
                    );
                    continue;
                }
                if irreversible.is_some() {
                    bad(
                        diags,
                        span,
                        "a second `-- migrate:irreversible`".into(),
                        "keep one",
                    );
                    continue;
                }
                if let Some(u) = &mut up {
                    u.tokens.end = i;
                }
                *irreversible = Some((reason, span));
                current = None;
            }
            DirectiveKind::Allow { rules: named, .. } => {
                allows.push((file, i, span, named));
            }
            DirectiveKind::Empty { reason } => {
                let section = match current {
                    Some(SectionKind::Down) => down.as_mut(),
                    Some(SectionKind::Up) => up.as_mut(),
                    _ => None,
                };
                match section {
                    Some(section) => section.empty_reason = Some(reason),
                    None => bad(
                        diags,
                        span,
                        "`-- migrate:empty` outside a section".into(),
                        "write it below `-- migrate:down` (or `-- migrate:up`) of the section that is empty on purpose",
                    ),
                }
            }
            DirectiveKind::Env { .. } => bad(
                diags,
                span,
                "`-- migrate:env` in a migration".into(),
                "environments limit seed files (in the `seeds` directory beside the migrations); a migration runs in every environment",
            ),
        }
    }
    if up.is_none() {
        // No markers at all: the whole file is the up section (sqlx simple layout).
        up = Some(RawSection {
            file,
            tokens: 0..toks.len(),
            transactional: None,
            marker: 0..0,
            empty_reason: None,
        });
    }
    (up, down)
}

/// A file that is one section (paired, directory and Flyway layouts).
#[allow(clippy::type_complexity)]
fn whole_file_section(
    file: FileId,
    files: &[SourceFile],
    lx: &Lexed,
    is_up: bool,
    irreversible: &mut Option<(String, Range<usize>)>,
    allows: &mut Vec<(FileId, usize, Range<usize>, Vec<String>)>,
    diags: &mut Vec<Diagnostic>,
) -> RawSection {
    let f = &files[file];
    let toks = &lx.tokens;
    let mut section = RawSection {
        file,
        tokens: 0..toks.len(),
        transactional: None,
        marker: 0..0,
        empty_reason: None,
    };
    let first_non_ws = toks.iter().position(|t| {
        !matches!(
            t.token,
            Token::Whitespace(
                sqlparser::tokenizer::Whitespace::Space
                    | sqlparser::tokenizer::Whitespace::Newline
                    | sqlparser::tokenizer::Whitespace::Tab
            )
        )
    });
    for (i, t) in toks.iter().enumerate() {
        let Some(comment) = parse::comment_text(&t.token) else {
            continue;
        };
        let Some(parsed) = directives::parse_comment(comment, Some(i) == first_non_ws) else {
            continue;
        };
        let span = f.offset(t.span.start.line, t.span.start.column)
            ..f.offset(t.span.end.line, t.span.end.column);
        match parsed {
            Err(msg) => diags.push(Diagnostic::new("bad-directive", Severity::Error, files, file, span, msg).label("here")),
            Ok(DirectiveKind::NoTransaction) => section.transactional = Some(false),
            Ok(DirectiveKind::Up { transactional }) if is_up => {
                section.transactional = transactional.or(section.transactional)
            }
            Ok(DirectiveKind::Down { transactional }) if !is_up => {
                section.transactional = transactional.or(section.transactional)
            }
            Ok(DirectiveKind::Up { .. }) | Ok(DirectiveKind::Down { .. }) => diags.push(
                Diagnostic::new("bad-directive", Severity::Error, files, file, span, "section marker of the other half in a one-section file")
                    .label("this file is one section")
                    .help("in the paired, directory and Flyway layouts the up and down halves are separate files"),
            ),
            Ok(DirectiveKind::Irreversible { reason }) if is_up => *irreversible = Some((reason, span)),
            Ok(DirectiveKind::Irreversible { .. }) => diags.push(
                Diagnostic::new("bad-directive", Severity::Error, files, file, span, "`-- migrate:irreversible` in a down file")
                    .label("here")
                    .help("write it in the up file and delete the down file"),
            ),
            Ok(DirectiveKind::Allow { rules: named, .. }) => allows.push((file, i, span, named)),
            Ok(DirectiveKind::Empty { reason }) => section.empty_reason = Some(reason),
            Ok(DirectiveKind::Env { .. }) => diags.push(
                Diagnostic::new("bad-directive", Severity::Error, files, file, span, "`-- migrate:env` in a migration")
                    .label("here")
                    .help("environments limit seed files (in the `seeds` directory beside the migrations); a migration runs in every environment"),
            ),
        }
    }
    section
}

/// Splits a section into statements and parses them.
fn parse_section(
    raw: &RawSection,
    files: &[SourceFile],
    lexed: &mut [Option<Lexed>],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    version: &str,
) -> (Section, Vec<Range<usize>>) {
    let lx = lexed[raw.file].as_mut().expect("lexed before");
    let f = &files[raw.file];
    let mut statements = Vec::new();
    let mut ranges = Vec::new();
    for (stmt, range, failure) in parse::split_and_parse(f, lx, raw.tokens.clone(), config.dialect)
    {
        if let Some(fail) = failure {
            diags.push(
                Diagnostic::new(
                    "parse-error",
                    Severity::Error,
                    files,
                    raw.file,
                    fail.span,
                    format!("cannot parse this statement: {}", fail.message),
                )
                .label("the parser stopped here")
                .note(format!(
                    "parsed as {} SQL; the other statements of the file are still checked",
                    config.dialect
                ))
                .version(version.to_string()),
            );
        }
        statements.push(stmt);
        ranges.push(range);
    }
    if statements.is_empty() && raw.empty_reason.is_none() {
        let which = if raw.marker.is_empty() && raw.tokens.start == 0 {
            "file"
        } else {
            "section"
        };
        diags.push(
            Diagnostic::new("empty-section", Severity::Error, files, raw.file, raw.marker.clone(), format!("this {which} holds no statement"))
                .label("empty")
                .help("write the statements, or replace an empty down section with `-- migrate:irreversible: <reason>`")
                .version(version.to_string()),
        );
    }
    (
        Section {
            file: raw.file,
            transactional: raw.transactional.unwrap_or(true),
            statements,
            marker: raw.marker.clone(),
        },
        ranges,
    )
}

/// SHA-256 over what runs: the up statements as written (normalized text),
/// one per line, and the transaction mode — not over the file name, comments
/// or blank lines, so renames and comment edits do not change it.
fn checksum(up: &Section, files: &[SourceFile]) -> String {
    let mut h = Sha256::new();
    h.update(if up.transactional {
        b"transaction\n".as_slice()
    } else {
        b"no-transaction\n".as_slice()
    });
    for s in &up.statements {
        h.update(files[up.file].text[s.span.clone()].as_bytes());
        h.update(b";\n");
    }
    let digest = h.finalize();
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// A section the runner would wrap in one transaction that opens or ends
/// transactions itself (a `COMMIT` halfway, common in golang-migrate and
/// Flyway files, which run a file as one batch) runs statement by statement
/// instead, its progress recorded after each: what its own `COMMIT`
/// committed stays recorded as done, and a failure names its statement and
/// what took effect, instead of claiming that nothing did. In a migration
/// that is not history, `transaction-nesting` reports it unless allowed.
fn run_as_written(m: &mut Migration, files: &[SourceFile]) {
    let mut up_changed = false;
    for (i, section) in m.sections_mut().enumerate() {
        if section.transactional && section.statements.iter().any(controls_transaction) {
            section.transactional = false;
            up_changed |= i == 0;
        }
    }
    if up_changed {
        m.checksum = checksum(&m.up, files);
    }
}

/// `BEGIN`/`START TRANSACTION`, `COMMIT`/`END`, `ROLLBACK` (not to a savepoint).
fn controls_transaction(stmt: &Stmt) -> bool {
    stmt.transaction_control().is_some()
}

/// A statement PostgreSQL refuses inside a transaction block: the
/// `CONCURRENTLY` forms, `VACUUM`, `CREATE DATABASE`.
fn refused_in_transaction(stmt: &Stmt) -> bool {
    use sqlparser::ast::Statement as S;
    stmt.concurrently().is_some()
        || matches!(stmt.ast(), Some(S::Vacuum(_) | S::CreateDatabase { .. }))
}

/// Below this many migrations, reading and analyzing share one thread:
/// starting a second one would cost more than it saves.
const PIPELINE_MIN_MIGRATIONS: usize = 16;

/// A migration as read: lexed, split into sections, directives attached,
/// parsed. `allows` holds the allow directives of its files (the indices in
/// its statements' `allows` point into it); `diags`, what reading found.
struct ReadMigration {
    /// It is history (at or before `checked_after`).
    history: bool,
    migration: Option<Migration>,
    allows: Vec<Allow>,
    diags: Vec<Diagnostic>,
}

/// Reads every candidate and analyzes each migration as soon as it is read,
/// in version order, then releases its syntax trees: memory stays
/// proportional to the largest migration, not to the directory. Reading
/// (tokenizing and parsing, about half the work) depends on nothing but the
/// file, so with many migrations it runs on a second thread, ahead of the
/// analysis, which must replay the migrations one after the other.
#[allow(clippy::too_many_arguments)]
fn read_and_analyze<'a>(
    candidates: &[Candidate],
    history_len: usize,
    readable: &[bool],
    files: &[SourceFile],
    config: &'a Config,
    keep_syntax: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Migration>, Analysis<'a>) {
    let read =
        |position: usize, c: &Candidate, lexed: &mut Vec<Option<Lexed>>| -> Option<ReadMigration> {
            let used = [Some(c.up), c.down];
            if used.into_iter().flatten().any(|f| !readable[f]) {
                return None; // already reported as unreadable
            }
            let mut read = ReadMigration {
                history: position < history_len,
                migration: None,
                allows: Vec::new(),
                diags: Vec::new(),
            };
            read.migration =
                build_migration(c, files, lexed, config, &mut read.diags, &mut read.allows);
            for f in used.into_iter().flatten() {
                lexed[f] = None; // its tokens are no longer needed
            }
            Some(read)
        };
    let mut analysis = Analysis::new(config);
    analysis.keep_syntax = keep_syntax;
    let mut migrations = Vec::with_capacity(candidates.len());
    // Returns the released syntax trees, for the thread that allocated them
    // to free (freeing across threads contends on the allocator's locks).
    let mut analyze = |r: ReadMigration, diags: &mut Vec<Diagnostic>| {
        let mut released = Vec::new();
        if let Some(m) = analysis.migration(migrations.len(), r, files, diags, &mut released) {
            migrations.push(m);
        }
        released
    };
    let mut on_this_thread = candidates.len() < PIPELINE_MIN_MIGRATIONS;
    if !on_this_thread {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<ReadMigration>(32);
            let (released_tx, released_rx) = std::sync::mpsc::channel::<Vec<StmtKind>>();
            let reader = std::thread::Builder::new()
                .name("migrate-check reader".into())
                .spawn_scoped(scope, move || {
                    let mut lexed: Vec<Option<Lexed>> = (0..files.len()).map(|_| None).collect();
                    for (position, c) in candidates.iter().enumerate() {
                        drop(released_rx.try_iter().collect::<Vec<_>>());
                        if let Some(r) = read(position, c, &mut lexed)
                            && tx.send(r).is_err()
                        {
                            break;
                        }
                    }
                    drop(tx);
                    drop(released_rx.into_iter().collect::<Vec<_>>());
                });
            match reader {
                Ok(_) => {
                    for r in rx {
                        // The reader may have ended early; then free them here.
                        let _ = released_tx.send(analyze(r, diags));
                    }
                    drop(released_tx);
                }
                // No thread to be had (a restricted sandbox): read here.
                Err(_) => on_this_thread = true,
            }
        });
    }
    if on_this_thread {
        let mut lexed: Vec<Option<Lexed>> = (0..files.len()).map(|_| None).collect();
        for (position, c) in candidates.iter().enumerate() {
            if let Some(r) = read(position, c, &mut lexed) {
                drop(analyze(r, diags));
            }
        }
    }
    (migrations, analysis)
}

/// The replay of the migrations over the schema model, with every active
/// rule run on every statement.
struct Analysis<'c> {
    config: &'c Config,
    /// Each active rule with its level (its default, or migrate.toml's):
    /// decided once, not per finding.
    active: Vec<(&'static rules::Rule, Level)>,
    schema: Schema,
    /// Every allow directive read so far.
    allows: Vec<Allow>,
    /// Keep the syntax trees in the report (tests).
    keep_syntax: bool,
    /// What was found in history migrations: not reported.
    history_findings: Vec<Diagnostic>,
}

impl<'c> Analysis<'c> {
    fn new(config: &'c Config) -> Self {
        let version = config.server_version();
        let active = rules::statement_rules()
            .filter(|r| r.applies(config.dialect, version))
            .map(|r| {
                (
                    r,
                    config
                        .rule_levels
                        .get(r.id)
                        .copied()
                        .unwrap_or(r.default_level),
                )
            })
            // A rule that is off costs nothing; an `allow` naming it is not "unused".
            .filter(|(_, level)| *level != Level::Allow)
            .collect();
        Analysis {
            config,
            active,
            schema: Schema::default(),
            allows: Vec::new(),
            keep_syntax: false,
            history_findings: Vec::new(),
        }
    }

    /// Analyzes the next migration in order (`index` among those analyzed)
    /// and returns it without its syntax trees.
    fn migration(
        &mut self,
        index: usize,
        read: ReadMigration,
        files: &[SourceFile],
        diags: &mut Vec<Diagnostic>,
        released: &mut Vec<StmtKind>,
    ) -> Option<Migration> {
        if read.history {
            // History: replayed into the model, findings kept aside, no
            // rule run (their findings would not be reported anyway).
            self.history_findings.extend(read.diags);
            let mut m = read.migration?;
            m.history = true;
            let first = self.allows.len();
            self.adopt_allows(read.allows, m.sections_mut());
            for a in &mut self.allows[first..] {
                a.history = true;
            }
            run_section(
                &m.up,
                SectionKind::Up,
                index,
                &m.version,
                &mut self.schema,
                &[],
                files,
                self.config,
                &mut self.history_findings,
                &mut self.allows,
            );
            run_as_written(&mut m, files);
            if !self.keep_syntax {
                for s in m.sections_mut() {
                    released.extend(s.statements.iter_mut().filter_map(Stmt::release_syntax));
                }
            }
            return Some(m);
        }
        let Some(mut m) = read.migration else {
            diags.extend(read.diags);
            return None;
        };
        self.adopt_allows(read.allows, m.sections_mut());
        diags.extend(
            read.diags
                .into_iter()
                .filter(|d| !self.allowed_parse_error(&m, d)),
        );
        self.section(&m.up, SectionKind::Up, index, &m.version, files, diags);
        if let Some(down) = &m.down {
            // The down runs right after its own up: check it against the
            // schema after the up, then forget its effects.
            self.schema.begin();
            self.section(down, SectionKind::Down, index, &m.version, files, diags);
            self.schema.rollback();
        }
        run_as_written(&mut m, files);
        if !self.keep_syntax {
            for s in m.sections_mut() {
                released.extend(s.statements.iter_mut().filter_map(Stmt::release_syntax));
            }
        }
        Some(m)
    }

    /// Whether `d` is a parse error on a statement under
    /// `-- migrate:allow(parse-error): reason` (a statement the server
    /// accepts and the checker cannot read: it runs as written, unchecked),
    /// which the allow then counts as used.
    fn allowed_parse_error(&mut self, m: &Migration, d: &Diagnostic) -> bool {
        if d.rule != "parse-error" {
            return false;
        }
        let stmt = std::iter::once(&m.up)
            .chain(m.down.as_ref())
            .filter(|section| section.file == d.file)
            .flat_map(|section| &section.statements)
            .find(|stmt| stmt.span.contains(&d.span.start) || stmt.span.start == d.span.start);
        let Some((_, a)) =
            stmt.and_then(|stmt| stmt.allows.iter().find(|(r, _)| r == "parse-error"))
        else {
            return false;
        };
        let allow = &mut self.allows[*a];
        if let Some(i) = allow.rules.iter().position(|r| r == "parse-error") {
            allow.used[i] = true;
        }
        true
    }

    fn section(
        &mut self,
        section: &Section,
        kind: SectionKind,
        index: usize,
        version: &str,
        files: &[SourceFile],
        diags: &mut Vec<Diagnostic>,
    ) {
        run_section(
            section,
            kind,
            index,
            version,
            &mut self.schema,
            &self.active,
            files,
            self.config,
            diags,
            &mut self.allows,
        );
    }

    /// Takes over the allow directives read with some sections: their
    /// statements' indices pointed into `allows`, now into `self.allows`.
    fn adopt_allows<'s>(
        &mut self,
        allows: Vec<Allow>,
        sections: impl Iterator<Item = &'s mut Section>,
    ) {
        let base = self.allows.len();
        self.allows.extend(allows);
        for stmt in sections.flat_map(|s| s.statements.iter_mut()) {
            for (_, a) in &mut stmt.allows {
                *a += base;
            }
        }
    }

    /// Analyzes the seeds after the last migration (`index`), each in its
    /// own transaction: what a seed would change in the schema (DDL is
    /// reported) is forgotten.
    fn seeds(
        &mut self,
        seeds: &mut [Seed],
        allows: Vec<Allow>,
        index: usize,
        files: &[SourceFile],
        diags: &mut Vec<Diagnostic>,
    ) {
        self.adopt_allows(allows, seeds.iter_mut().map(|s| &mut s.section));
        for seed in seeds.iter_mut() {
            self.schema.begin();
            self.section(
                &seed.section,
                SectionKind::Seed,
                index,
                &seed.name,
                files,
                diags,
            );
            self.schema.rollback();
            if !self.keep_syntax {
                for stmt in &mut seed.section.statements {
                    drop(stmt.release_syntax());
                }
            }
        }
    }

    /// Suppressions must not rot: every rule an allow names must exist and
    /// must have suppressed something.
    /// Returns what was found in history migrations (not reported).
    fn finish(self, files: &[SourceFile], diags: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
        let config = self.config;
        let level_of = |id: &str| {
            rules::by_id(id).map(|r| {
                config
                    .rule_levels
                    .get(r.id)
                    .copied()
                    .unwrap_or(r.default_level)
            })
        };
        for a in self.allows.iter().filter(|a| !a.history) {
            for (rule, used) in a.rules.iter().zip(&a.used) {
                if rules::by_id(rule).is_none() {
                    diags.push(
                        Diagnostic::new(
                            "unknown-rule",
                            Severity::Error,
                            files,
                            a.file,
                            a.span.clone(),
                            format!("unknown rule `{rule}` in `-- migrate:allow`"),
                        )
                        .label("no rule has this id")
                        .help(suggest(rule)),
                    );
                } else if !used && level_of(rule) != Some(Level::Allow) {
                    diags.push(
                        Diagnostic::new(
                            "unused-allow",
                            Severity::Error,
                            files,
                            a.file,
                            a.span.clone(),
                            format!(
                                "`-- migrate:allow({rule})` suppresses nothing on the next statement"
                            ),
                        )
                        .label("unused suppression")
                        .help("remove it, or move it right above the statement it is for"),
                    );
                }
            }
        }
        self.history_findings
    }
}

#[allow(clippy::too_many_arguments)]
fn run_section(
    section: &Section,
    kind: SectionKind,
    index: usize,
    version: &str,
    schema: &mut Schema,
    active: &[(&rules::Rule, Level)],
    files: &[SourceFile],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    allows: &mut [Allow],
) {
    let mut state = SectionState::default();
    for (position, stmt) in section.statements.iter().enumerate() {
        // `BEGIN` itself does not run inside the transaction it opens.
        let explicit_tx = state.explicit_begin.is_some();
        let ctx = Ctx {
            dialect: config.dialect,
            version: config.server_version(),
            mariadb: config.is_mariadb(),
            schema,
            migration: index,
            section: kind,
            runner_transaction: section.transactional,
            in_transaction: section.transactional || explicit_tx,
            file: &files[section.file],
            statements: &section.statements,
            position,
            state: &state,
        };
        for (rule, level) in active {
            let Some(check) = rule.check else { continue };
            let mut findings = Findings::default();
            check(&ctx, stmt, &mut findings);
            for f in findings.items {
                if let Some((_, a)) = stmt.allows.iter().find(|(r, _)| r == rule.id) {
                    let allow = &mut allows[*a];
                    if let Some(i) = allow.rules.iter().position(|r| r == rule.id) {
                        allow.used[i] = true;
                    }
                    continue;
                }
                // A down's lock and rewrite findings are warnings unless
                // `check_down = "strict"`: see `STAY_ERRORS_IN_DOWN`.
                let relaxed_down = kind == SectionKind::Down
                    && !config.strict_downs
                    && !rules::STAY_ERRORS_IN_DOWN.contains(&rule.id);
                let severity = match level {
                    Level::Allow => continue,
                    Level::Warn => Severity::Warning,
                    Level::Error if f.warning_only || relaxed_down => Severity::Warning,
                    Level::Error => Severity::Error,
                };
                let mut d = Diagnostic::new(
                    rule.id,
                    severity,
                    files,
                    section.file,
                    f.span.unwrap_or(stmt.span.clone()),
                    f.message,
                )
                .label(f.label)
                .version(version.to_string());
                d.help = Some(
                    f.help
                        .map_or(Cow::Borrowed(rule.safe_alternative), Cow::Owned),
                );
                // A finding's own lock line wins; an empty one means "none".
                d.lock = match f.lock {
                    Some(l) if l.is_empty() => None,
                    Some(l) => Some(Cow::Owned(l)),
                    None if rule.lock.is_empty() => None,
                    None => Some(Cow::Borrowed(rule.lock)),
                };
                d.notes.push(Cow::Borrowed(rule.explanation));
                d.notes.extend(f.notes.into_iter().map(Cow::Owned));
                if relaxed_down && *level == Level::Error {
                    d.notes.push(Cow::Borrowed(DOWN_NOTE));
                }
                d.notes.push(Cow::Owned(format!(
                    "to accept it, write `-- migrate:allow({}): <reason>` on the line above the statement",
                    rule.id
                )));
                diags.push(d);
            }
        }
        state.after(stmt, position, schema, index, section.transactional);
        schema.apply(stmt, index);
    }
}

/// Why a finding of a down section is a warning.
const DOWN_NOTE: &str = "in a down section this is a warning (`check_down = \"strict\"` in migrate.toml makes it an error): a rollback runs rarely, and takes on the way back what its up took on the way out. Where the up's change is compatible with the code before it (a wider type, a relaxed constraint, a new value), a down that leaves it in place is a valid reverse too";

/// Applies rule levels to the structural diagnostics (statement rules got
/// theirs when they were made): the declared default, or `migrate.toml`'s
/// override; `allow` removes the diagnostic. Structural errors the runtime
/// cannot run past keep their level.
fn apply_levels(diags: &mut Vec<Diagnostic>, config: &Config) {
    diags.retain_mut(|d| {
        let Some(rule) = rules::STRUCTURAL_RULES.iter().find(|r| r.id == d.rule) else {
            return true;
        };
        let level = config
            .rule_levels
            .get(d.rule)
            .copied()
            .filter(|_| !rules::HARD.contains(&d.rule))
            .unwrap_or(rule.default_level);
        match level {
            Level::Allow => false,
            Level::Warn => {
                d.severity = Severity::Warning;
                true
            }
            Level::Error => {
                d.severity = Severity::Error;
                true
            }
        }
    });
}
