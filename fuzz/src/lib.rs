//! The fuzz harness of the whole check: bytes → a migrations directory →
//! report → every diagnostic rendered. Used by the libFuzzer target
//! (`cargo +nightly fuzz run check`) and by its seed writer.
//!
//! Input format: the rule examples' own, so that they seed the corpus as
//! they are. The first byte picks the dialect; the rest is split into files
//! at lines `-- file: NAME`; `migrate.toml` is read as the settings (a bad
//! one falls back to the defaults), a `seeds/…` file is a seed.

use migrate_check::{Config, Dialect, FileEntry, Input, SeedInput, check_with_seeds};

/// Runs the check on `data` and renders what it found. Panics only if the
/// check does.
pub fn run(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let dialect = Dialect::ALL[usize::from(first) % 3];
    let mut config_text = None;
    let mut migrations = Vec::new();
    let mut seeds = Vec::new();
    for (name, bytes) in files(rest) {
        if name == "migrate.toml" {
            config_text = Some(String::from_utf8_lossy(&bytes).into_owned());
        } else if let Some(seed) = name.strip_prefix("seeds/") {
            seeds.push(FileEntry {
                rel_path: seed.to_string(),
                bytes,
            });
        } else {
            migrations.push(FileEntry {
                rel_path: name,
                bytes,
            });
        }
    }
    let mut config = config_text
        .as_deref()
        .and_then(|t| Config::from_toml(t).ok())
        .unwrap_or_default();
    config.dialect = dialect;
    let report = check_with_seeds(
        Input {
            entries: migrations,
            display_dir: "migrations".into(),
            config,
            config_source: config_text.map(|t| ("migrate.toml".to_string(), t)),
        },
        SeedInput {
            entries: seeds,
            display_dir: "seeds".into(),
        },
    );
    for d in &report.diagnostics {
        let _ = d.render(&report.files, false);
        let _ = d.location(&report.files);
    }
    let _ = report.history.note();
    for m in &report.migrations {
        for s in std::iter::once(&m.up).chain(m.down.as_ref()) {
            for stmt in &s.statements {
                let _ = report.statement_text(s, stmt);
            }
        }
    }
}

/// The files of an input: `-- file: NAME` lines start them; text before
/// the first one is a file named `0001_x.sql`.
fn files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    const MARK: &[u8] = b"-- file: ";
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut current = ("0001_x.sql".to_string(), Vec::new());
    for line in data.split_inclusive(|&b| b == b'\n') {
        if let Some(name) = line.strip_prefix(MARK) {
            if !current.1.is_empty() || current.0 != "0001_x.sql" {
                out.push(std::mem::take(&mut current));
            }
            let name = String::from_utf8_lossy(name).trim().to_string();
            current = (
                if name.is_empty() {
                    "x.sql".into()
                } else {
                    name
                },
                Vec::new(),
            );
        } else {
            current.1.extend_from_slice(line);
        }
    }
    out.push(current);
    // One file a name: a later one replaces an earlier.
    out.reverse();
    let mut seen = std::collections::HashSet::new();
    out.retain(|(name, _)| seen.insert(name.clone()));
    out.reverse();
    out
}
