//! Discovery: a migrations directory into an ordered list of migrations.
//!
//! Four layouts are accepted, so that existing projects can point at what they have:
//!
//! | layout | files | from |
//! |---|---|---|
//! | sections | `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` | dbmate |
//! | paired | `<version>_<name>.up.sql` + `<version>_<name>.down.sql` | sqlx, golang-migrate |
//! | directory | `<version>_<name>/up.sql` + `down.sql` (+ `metadata.toml`) | diesel |
//! | flyway | `V<version>__<name>.sql` + undo `U<version>__<name>.sql` | Flyway, refinery |
//!
//! A `.sql` file that fits none, a duplicate version, or an unreadable file is
//! a diagnostic naming the file — never a silent skip.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile};

/// A file of the migrations directory: its path relative to the directory
/// (with `/` separators) and its bytes.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// Relative path, `/`-separated.
    pub rel_path: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

/// Reads every file of a migrations directory and of its direct
/// subdirectories (diesel's layout), skipping hidden entries. Files deeper
/// down are read too, so that they can be reported rather than ignored.
pub fn read_dir(dir: &Path) -> io::Result<Vec<FileEntry>> {
    let mut out = Vec::new();
    walk(dir, "", 0, &mut out)?;
    out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<FileEntry>) -> io::Result<()> {
    let named =
        |e: io::Error, what: &str| io::Error::new(e.kind(), format!("cannot read `{what}`: {e}"));
    let top = dir.display().to_string();
    let shown = if prefix.is_empty() {
        top.as_str()
    } else {
        prefix
    };
    for entry in std::fs::read_dir(dir).map_err(|e| named(e, shown))? {
        let entry = entry.map_err(|e| named(e, shown))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(|e| named(e, &rel))?;
        let path = entry.path();
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            if depth < 3 {
                walk(&path, &format!("{rel}/"), depth + 1, out)?;
            }
        } else if is_interesting(&name) {
            let bytes = std::fs::read(&path).map_err(|e| named(e, &rel))?;
            out.push(FileEntry {
                rel_path: rel,
                bytes,
            });
        }
    }
    Ok(())
}

/// Files discovery looks at: SQL files and diesel's `metadata.toml`.
fn is_interesting(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".sql") || lower == "metadata.toml"
}

/// Which layout a migration was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One file with `-- migrate:up` / `-- migrate:down` sections (dbmate).
    Sections,
    /// `.up.sql` and `.down.sql` files (sqlx, golang-migrate).
    Paired,
    /// A directory with `up.sql`, `down.sql`, `metadata.toml` (diesel).
    Directory,
    /// `V…__name.sql` and undo `U…__name.sql` (Flyway).
    Flyway,
}

/// A migration's files, before their contents are read.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The version as written.
    pub version: String,
    /// Its numeric components.
    pub parts: Vec<u64>,
    /// Where it sorts in its directory, in the directory's [`VersionOrder`]:
    /// the numeric components, or the text its tool compares (diesel's
    /// version without dashes, dbmate's file name) packed by [`text_key`].
    pub key: Vec<u64>,
    /// The order the tool that writes this layout applies it in.
    pub natural_order: VersionOrder,
    /// The name from the file name.
    pub name: String,
    /// Its layout.
    pub layout: Layout,
    /// The file holding the up section (in the sections layout, both).
    pub up: FileId,
    /// The file holding the down section, in the other layouts.
    pub down: Option<FileId>,
    /// diesel's `metadata.toml`.
    pub metadata: Option<FileId>,
}

#[derive(Default)]
struct Partial {
    version: String,
    parts: Vec<u64>,
    /// The text its tool compares, when that tool compares text.
    text: Option<String>,
    name: String,
    layout: Option<Layout>,
    up: Option<FileId>,
    down: Option<FileId>,
    metadata: Option<FileId>,
}

/// How the migrations of a directory are ordered: the way the tool that
/// wrote them applies them, so that adopting `migrate` never runs a set in
/// another order than that tool did.
///
/// | tool | compares | `9_a` and `10_b` |
/// |---|---|---|
/// | sqlx, golang-migrate, refinery, Flyway | the version as a number (Flyway: part by part) | `9_a` first |
/// | diesel | the version as text, dashes removed | `10_b` first |
/// | dbmate | the whole file name as text | `10_b` first |
///
/// ```
/// use migrate_check::discover::VersionOrder;
/// assert_eq!("text".parse::<VersionOrder>(), Ok(VersionOrder::Text));
/// assert_eq!(VersionOrder::Numeric.name(), "numeric");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionOrder {
    /// As numbers, part by part: sqlx, golang-migrate, refinery, Flyway.
    Numeric,
    /// As text: diesel compares versions without their dashes, dbmate
    /// compares file names.
    Text,
}

impl VersionOrder {
    /// The name written in `migrate.toml` (`version_order`).
    pub const fn name(self) -> &'static str {
        match self {
            VersionOrder::Numeric => "numeric",
            VersionOrder::Text => "text",
        }
    }
}

impl std::str::FromStr for VersionOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "numeric" => Ok(VersionOrder::Numeric),
            "text" => Ok(VersionOrder::Text),
            other => Err(format!(
                "unknown version order `{other}`: expected `numeric` (sqlx, golang-migrate, refinery, Flyway) or `text` (diesel, dbmate)"
            )),
        }
    }
}

/// Packs a text into numbers that compare, part by part and with missing
/// parts as zero, exactly as the text compares byte by byte: eight bytes a
/// part, big-endian. The runtime packs history rows' versions the same way
/// (`migrate_runtime::Migrations::key_of`).
///
/// ```
/// use migrate_check::discover::text_key;
/// assert!(text_key("10_b.sql") < text_key("9_a.sql"));
/// assert!(text_key("2024") < text_key("20240"));
/// assert_eq!(text_key("12345678"), [0x3132333435363738]);
/// ```
pub fn text_key(text: &str) -> Vec<u64> {
    text.as_bytes()
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            u64::from_be_bytes(word)
        })
        .collect()
}

/// Migrations in the order their directory runs them.
#[derive(Clone, Debug)]
pub struct Discovered {
    /// The migrations, first to run first.
    pub candidates: Vec<Candidate>,
    /// The order used.
    pub order: VersionOrder,
}

/// Groups files into migrations by their names, in the order their tool
/// applies them ([`classify_ordered`] with the directory's own order).
pub fn classify(files: &[SourceFile], diags: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    classify_ordered(files, None, diags).candidates
}

/// Groups files into migrations by their names and orders them: in
/// `order` when given (`version_order` in `migrate.toml`), otherwise in
/// the order of the tool the layout comes from — text when every
/// migration comes from a tool that compares text (diesel, dbmate), as
/// numbers otherwise. Where the two orders differ and nothing chose, a
/// `version-order` warning names the first pair.
pub fn classify_ordered(
    files: &[SourceFile],
    order: Option<VersionOrder>,
    diags: &mut Vec<Diagnostic>,
) -> Discovered {
    // Keyed so that the two halves of a pair meet: golang-migrate and sqlx
    // pair an up and a down by version alone (`30_add_x.up.sql` +
    // `30_drop_x.down.sql`), the other layouts by version and name.
    let mut groups: BTreeMap<String, Partial> = BTreeMap::new();
    let mut misplaced: Vec<(FileId, String)> = Vec::new();
    for (id, file) in files.iter().enumerate() {
        match name_of(&file.rel_path) {
            Ok(found) => {
                let key = match found.layout {
                    Layout::Paired => format!("Paired/{:?}", found.parts),
                    _ => format!("{:?}/{}/{}", found.group, found.version, found.name),
                };
                let slot = groups.entry(key).or_default();
                if slot.up.is_none() || matches!(found.role, Role::Up) {
                    slot.version = found.version;
                    slot.parts = found.parts;
                    slot.name = found.name;
                }
                slot.layout = Some(found.layout);
                slot.text = match found.layout {
                    Layout::Directory => Some(slot.version.replace('-', "")),
                    Layout::Sections if has_dbmate_marker(&file.text) => {
                        Some(file_name(&file.rel_path).to_string())
                    }
                    _ => slot.text.take(),
                };
                let target = match found.role {
                    Role::Up => &mut slot.up,
                    Role::Down => &mut slot.down,
                    Role::Metadata => &mut slot.metadata,
                };
                if let Some(other) = target.replace(id) {
                    diags.push(
                        Diagnostic::new(
                            "duplicate-version",
                            Severity::Error,
                            files,
                            id,
                            0..0,
                            format!(
                                "`{}` and `{}` are the same migration file twice",
                                files[other].path, file.path
                            ),
                        )
                        .label("second file for the same migration"),
                    );
                }
            }
            Err(why) => misplaced.push((id, why)),
        }
    }
    // diesel reads only the directories of its migrations directory: a
    // file beside them (seed data, notes) is not a migration there.
    let diesel = groups.values().any(|p| p.layout == Some(Layout::Directory));
    report_misplaced(files, &misplaced, diesel, diags);

    let mut out: Vec<Candidate> = Vec::new();
    for (_, p) in groups {
        let layout = p.layout.unwrap_or(Layout::Sections);
        let Some(up) = p.up else {
            let file = p.down.or(p.metadata).unwrap_or(0);
            let (msg, help) = match layout {
                Layout::Flyway => (
                    format!(
                        "undo file `{}` has no matching `V{}__{}.sql`",
                        files[file].path, p.version, p.name
                    ),
                    "`U` means undo here (Flyway's meaning); refinery's unversioned `U` migrations are not supported: rename it `V<version>__<name>.sql`",
                ),
                _ => (
                    format!("`{}` has no up migration beside it", files[file].path),
                    "add the up file (`<version>_<name>.up.sql`, or `up.sql` in the directory)",
                ),
            };
            diags.push(
                Diagnostic::new("unknown-layout", Severity::Error, files, file, 0..0, msg)
                    .label("no up file")
                    .help(help),
            );
            continue;
        };
        let natural_order = if p.text.is_some() {
            VersionOrder::Text
        } else {
            VersionOrder::Numeric
        };
        let key = match &p.text {
            Some(text) => text_key(text),
            None => p.parts.clone(),
        };
        out.push(Candidate {
            version: p.version,
            parts: p.parts,
            key,
            natural_order,
            name: p.name,
            layout,
            up,
            down: p.down,
            metadata: p.metadata,
        });
    }

    let natural = if !out.is_empty() && out.iter().all(|c| c.natural_order == VersionOrder::Text) {
        VersionOrder::Text
    } else {
        VersionOrder::Numeric
    };
    let chosen = order.unwrap_or(natural);
    if chosen == VersionOrder::Numeric {
        for c in &mut out {
            c.key = c.parts.clone();
        }
    }
    let by_path = |a: &Candidate, b: &Candidate| files[a.up].path.cmp(&files[b.up].path);
    if order.is_none() && chosen == VersionOrder::Text {
        // The tool's order, and the first pair a numeric order would swap.
        let mut numeric: Vec<&Candidate> = out.iter().collect();
        numeric.sort_by(|a, b| compare_parts(&a.parts, &b.parts).then_with(|| by_path(a, b)));
        let mut text: Vec<&Candidate> = out.iter().collect();
        text.sort_by(|a, b| compare_parts(&a.key, &b.key).then_with(|| by_path(a, b)));
        if let Some(i) = (0..text.len()).find(|&i| text[i].up != numeric[i].up) {
            let (first, then) = (text[i], numeric[i]);
            diags.push(
                Diagnostic::new(
                    "version-order",
                    Severity::Warning,
                    files,
                    first.up,
                    0..0,
                    format!(
                        "`{}` runs before `{}`: versions are ordered as text, as {} orders them, not as numbers",
                        files[first.up].path,
                        files[then.up].path,
                        if first.layout == Layout::Directory { "diesel" } else { "dbmate" }
                    ),
                )
                .label("runs earlier than its number says")
                .help("to keep this order and silence this warning, write `version_order = \"text\"` in migrate.toml; `version_order = \"numeric\"` orders them as numbers instead (a database the old tool migrated ran them as text)"),
            );
        }
    }
    out.sort_by(|a, b| compare_parts(&a.key, &b.key).then_with(|| by_path(a, b)));

    // Duplicate versions across layouts or names: keep the first, report the
    // rest. The same version is the same number, or for tools that compare
    // text the same text (diesel's `01` and `1` are two versions).
    let identity = |c: &Candidate| match chosen {
        VersionOrder::Numeric => format!("{:?}", trim_zeros(&c.parts)),
        VersionOrder::Text => c.version.replace('-', ""),
    };
    let mut seen: std::collections::HashMap<String, FileId> = std::collections::HashMap::new();
    let mut kept: Vec<Candidate> = Vec::with_capacity(out.len());
    for c in out {
        if let Some(&prev) = seen.get(&identity(&c)) {
            diags.push(
                Diagnostic::new(
                    "duplicate-version",
                    Severity::Error,
                    files,
                    c.up,
                    0..0,
                    format!(
                        "version {} is used twice: `{}` and `{}`",
                        c.version, files[prev].path, files[c.up].path
                    ),
                )
                .label("duplicate version")
                .help("give one of them a new version (a timestamp avoids collisions between branches)"),
            );
            continue;
        }
        seen.insert(identity(&c), c.up);
        kept.push(c);
    }
    Discovered {
        candidates: kept,
        order: chosen,
    }
}

/// Numeric parts without trailing zeros: `1.0` is version `1`.
fn trim_zeros(parts: &[u64]) -> &[u64] {
    let len = parts.iter().rposition(|&p| p != 0).map_or(0, |i| i + 1);
    &parts[..len]
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Whether a file holds dbmate's up marker as dbmate reads it: at the start
/// of a line, `--`, optional blanks, `migrate:up`, then the end of the line
/// or blanks.
pub fn has_dbmate_marker(text: &str) -> bool {
    text.lines().any(|line| dbmate_marker(line, "migrate:up"))
}

/// Whether `line` is dbmate's `marker` (`migrate:up` or `migrate:down`):
/// it must start at column 0, as dbmate's `(?m)^--\s*migrate:up(\s*$|\s+\S+)`
/// requires.
pub fn dbmate_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix("--")
        .map(str::trim_start)
        .and_then(|rest| rest.strip_prefix(marker))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

/// Reports files that fit no layout; files under a folder named for a
/// dialect (`postgres/`, `mysql/`, `sqlite/`: one directory for each
/// database a project supports) as one error per folder that says where
/// to point instead.
fn report_misplaced(
    files: &[SourceFile],
    misplaced: &[(FileId, String)],
    diesel: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let mut folders: BTreeMap<&str, Vec<FileId>> = BTreeMap::new();
    for (id, why) in misplaced {
        let rel = files[*id].rel_path.as_str();
        if diesel && !rel.contains('/') {
            diags.push(
                Diagnostic::new(
                    "ignored-file",
                    Severity::Warning,
                    files,
                    *id,
                    0..0,
                    format!(
                        "`{}` is not a migration: diesel reads only the migration directories, and ignores files beside them",
                        files[*id].path
                    ),
                )
                .label("ignored, as diesel ignores it")
                .help("move it out of the migrations directory, or into a migration directory as its `up.sql`"),
            );
            continue;
        }
        if let Some((folder, _)) = rel.split_once('/')
            && DIALECT_FOLDERS.contains(&folder.to_ascii_lowercase().as_str())
        {
            folders.entry(folder).or_default().push(*id);
            continue;
        }
        diags.push(
            Diagnostic::new(
                "unknown-layout",
                Severity::Error,
                files,
                *id,
                0..0,
                format!("`{}` does not fit any migration layout", files[*id].path),
            )
            .label(why.clone())
            .help(LAYOUT_HELP),
        );
    }
    for (folder, ids) in folders {
        let first = &files[ids[0]];
        let dir = first
            .path
            .strip_suffix(first.rel_path.as_str())
            .unwrap_or("");
        let dir = format!("{dir}{folder}");
        diags.push(
            Diagnostic::new(
                "unknown-layout",
                Severity::Error,
                files,
                ids[0],
                0..0,
                format!(
                    "`{dir}/` holds the migrations of one database ({} files): the migrations directory is that folder, not its parent",
                    ids.len()
                ),
            )
            .label("migrations for one dialect")
            .help(format!(
                "point at it: `embed_migrations!(\"{dir}\", dialect = \"…\")`, and `--dir {dir}` (or `migrations_dir` in migrate.toml) for the command line; one `embed_migrations!` per dialect"
            )),
        );
    }
}

/// Folder names that hold one dialect's migrations.
const DIALECT_FOLDERS: &[&str] = &[
    "postgres",
    "postgresql",
    "pg",
    "psql",
    "mysql",
    "mariadb",
    "sqlite",
    "sqlite3",
];

const LAYOUT_HELP: &str = "name migrations `<version>_<name>.sql` (sections), `<version>_<name>.up.sql` + `.down.sql`, `<version>_<name>/up.sql` + `down.sql`, or `V<version>__<name>.sql` + `U<version>__<name>.sql`; the version is digits";

/// Numeric comparison of version components, missing parts as zero.
pub fn compare_parts(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

#[derive(Debug)]
enum Role {
    Up,
    Down,
    Metadata,
}

#[derive(Debug)]
enum Group {
    File,
    Flyway,
    Dir,
}

struct Found {
    group: Group,
    layout: Layout,
    role: Role,
    version: String,
    parts: Vec<u64>,
    name: String,
}

fn name_of(rel: &str) -> Result<Found, String> {
    let segments: Vec<&str> = rel.split('/').collect();
    match segments.as_slice() {
        [dir, file] => {
            let role = match *file {
                "up.sql" => Role::Up,
                "down.sql" => Role::Down,
                "metadata.toml" => Role::Metadata,
                other => {
                    return Err(format!(
                        "`{other}` in a migration directory: only `up.sql`, `down.sql` and `metadata.toml` belong there"
                    ));
                }
            };
            let (version, name) = split_version(dir, '_').ok_or_else(|| {
                format!("directory `{dir}` does not start with a version and `_`")
            })?;
            if !version.chars().all(|c| c.is_ascii_digit() || c == '-')
                || !version.starts_with(|c: char| c.is_ascii_digit())
            {
                return Err(format!(
                    "directory `{dir}`: the version `{version}` must be digits (diesel's `2017-09-26-200549` is fine)"
                ));
            }
            let digits: String = version.chars().filter(|c| *c != '-').collect();
            let parts = vec![number(&digits)?];
            Ok(Found {
                group: Group::Dir,
                layout: Layout::Directory,
                role,
                version: version.to_string(),
                parts,
                name: name.to_string(),
            })
        }
        [file] => {
            let Some(stem) = strip_suffix_ci(file, ".sql") else {
                return Err("not a `.sql` file".into());
            };
            if let Some(rest) = stem.strip_prefix('V').or_else(|| stem.strip_prefix('U'))
                && let Some((version, name)) = rest.split_once("__")
                && version.starts_with(|c: char| c.is_ascii_digit())
            {
                let role = if stem.starts_with('V') {
                    Role::Up
                } else {
                    Role::Down
                };
                let parts = version
                    .split(['.', '_'])
                    .map(number)
                    .collect::<Result<Vec<u64>, String>>()?;
                return Ok(Found {
                    group: Group::Flyway,
                    layout: Layout::Flyway,
                    role,
                    version: version.to_string(),
                    parts,
                    name: name.to_string(),
                });
            }
            let (stem, role, layout) = if let Some(s) = stem.strip_suffix(".up") {
                (s, Role::Up, Layout::Paired)
            } else if let Some(s) = stem.strip_suffix(".down") {
                (s, Role::Down, Layout::Paired)
            } else {
                (stem, Role::Up, Layout::Sections)
            };
            let (version, name) = split_version(stem, '_').ok_or_else(|| {
                format!("`{file}` does not start with a version followed by `_` and a name")
            })?;
            if !version.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!("`{version}` is not a version: it must be digits"));
            }
            let parts = vec![number(version)?];
            Ok(Found {
                group: Group::File,
                layout,
                role,
                version: version.to_string(),
                parts,
                name: name.to_string(),
            })
        }
        _ => Err(
            "nested too deep: migrations are files of the directory or `<version>_<name>/up.sql`"
                .into(),
        ),
    }
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

fn split_version(s: &str, sep: char) -> Option<(&str, &str)> {
    let (v, n) = s.split_once(sep)?;
    (!v.is_empty() && !n.is_empty()).then_some((v, n))
}

fn number(digits: &str) -> Result<u64, String> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{digits}` is not a number"));
    }
    digits
        .parse()
        .map_err(|_| format!("version `{digits}` is too long (at most 19 digits)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Vec<SourceFile> {
        names
            .iter()
            .map(|n| SourceFile::from_text(&format!("m/{n}"), n, "SELECT 1;"))
            .collect()
    }

    #[test]
    fn all_four_layouts() {
        let f = files(&[
            "0001_a.sql",
            "0002_b.up.sql",
            "0002_b.down.sql",
            "2017-09-26-200549_c/up.sql",
            "2017-09-26-200549_c/down.sql",
            "2017-09-26-200549_c/metadata.toml",
            "V3__d.sql",
            "U3__d.sql",
            "README.sql.txt",
        ]);
        let mut d = Vec::new();
        let c = classify(&f, &mut d);
        let got: Vec<(String, Layout, bool)> = c
            .iter()
            .map(|c| (c.version.clone(), c.layout, c.down.is_some()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("0001".into(), Layout::Sections, false),
                ("0002".into(), Layout::Paired, true),
                ("V3".replace('V', ""), Layout::Flyway, true),
                ("2017-09-26-200549".into(), Layout::Directory, true),
            ]
        );
        assert_eq!(c[3].metadata, Some(5));
        // README.sql.txt is not .sql (it is only passed here by the test);
        // beside a diesel directory it is ignored, as diesel ignores it.
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule, "ignored-file");
    }

    #[test]
    fn duplicates_and_orphans_are_reported() {
        let f = files(&[
            "1_a.sql",
            "01_b.sql",
            "U7__x.sql",
            "5_c.down.sql",
            "notes.sql",
            "x_1.sql",
        ]);
        let mut d = Vec::new();
        let c = classify(&f, &mut d);
        assert_eq!(c.len(), 1);
        let mut rules: Vec<&str> = d.iter().map(|d| d.rule).collect();
        rules.sort();
        assert_eq!(
            rules,
            [
                "duplicate-version",
                "unknown-layout",
                "unknown-layout",
                "unknown-layout",
                "unknown-layout"
            ]
        );
        assert!(
            d.iter().any(|d| d.message.contains("U7__x.sql")
                && d.help.as_deref().unwrap().contains("Flyway"))
        );
    }

    #[test]
    fn versions_compare_numerically() {
        let f = files(&["10_b.sql", "9_a.sql", "V1.10__y.sql", "V1.9__x.sql"]);
        let mut d = Vec::new();
        let c = classify(&f, &mut d);
        let order: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["x", "y", "a", "b"]);
    }
}
