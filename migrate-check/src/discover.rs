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
    name: String,
    layout: Option<Layout>,
    up: Option<FileId>,
    down: Option<FileId>,
    metadata: Option<FileId>,
}

/// Groups files into migrations by their names, ordered by version.
pub fn classify(files: &[SourceFile], diags: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    // Keyed by (layout-group key) so that the two halves of a pair meet.
    let mut groups: BTreeMap<String, Partial> = BTreeMap::new();
    for (id, file) in files.iter().enumerate() {
        match name_of(&file.rel_path) {
            Ok(found) => {
                let key = format!("{:?}/{}/{}", found.group, found.version, found.name);
                let slot = groups.entry(key).or_default();
                slot.version = found.version;
                slot.parts = found.parts;
                slot.name = found.name;
                slot.layout = Some(found.layout);
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
            Err(why) => diags.push(
                Diagnostic::new(
                    "unknown-layout",
                    Severity::Error,
                    files,
                    id,
                    0..0,
                    format!("`{}` does not fit any migration layout", file.path),
                )
                .label(why)
                .help(LAYOUT_HELP),
            ),
        }
    }

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
        out.push(Candidate {
            version: p.version,
            parts: p.parts,
            name: p.name,
            layout,
            up,
            down: p.down,
            metadata: p.metadata,
        });
    }
    out.sort_by(|a, b| {
        compare_parts(&a.parts, &b.parts).then_with(|| files[a.up].path.cmp(&files[b.up].path))
    });

    // Duplicate versions across layouts or names: keep the first, report the rest.
    let mut kept: Vec<Candidate> = Vec::with_capacity(out.len());
    for c in out {
        if let Some(prev) = kept.last()
            && compare_parts(&prev.parts, &c.parts).is_eq()
        {
            diags.push(
                Diagnostic::new(
                    "duplicate-version",
                    Severity::Error,
                    files,
                    c.up,
                    0..0,
                    format!(
                        "version {} is used twice: `{}` and `{}`",
                        c.version, files[prev.up].path, files[c.up].path
                    ),
                )
                .label("duplicate version")
                .help("give one of them a new version (a timestamp avoids collisions between branches)"),
            );
            continue;
        }
        kept.push(c);
    }
    kept
}

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
        // README.sql.txt is not .sql: unknown-layout (it is only passed here by the test).
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule, "unknown-layout");
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
