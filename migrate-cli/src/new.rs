//! `cargo migrate new NAME`: a new migration with up and down templates, in
//! the layout and version style the directory already uses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use migrate_check::{Layout, SourceFile, discover};

use crate::Failure;
use crate::output::{errln, outln};

/// The arguments of `cargo migrate new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The migration's name: letters, digits, `_` and `-` (`add_users_email`).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The file layout (default: the one the directory uses, else sections).
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<LayoutArg>,

    /// The migrations directory (default: `migrations_dir` in migrate.toml,
    /// else `migrations`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The layouts `new` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` (dbmate).
    Sections,
    /// `<version>_<name>.up.sql` + `.down.sql` (sqlx, golang-migrate).
    Paired,
    /// `<version>_<name>/up.sql` + `down.sql` (diesel).
    Diesel,
    /// `V<version>__<name>.sql` + `U<version>__<name>.sql` (Flyway, refinery).
    Flyway,
}

impl From<Layout> for LayoutArg {
    fn from(layout: Layout) -> Self {
        match layout {
            Layout::Sections => LayoutArg::Sections,
            Layout::Paired => LayoutArg::Paired,
            Layout::Directory => LayoutArg::Diesel,
            Layout::Flyway => LayoutArg::Flyway,
        }
    }
}

/// Checks a migration name: it becomes part of a file name, so no path
/// separators, no dots, no spaces.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the migration name is empty".into());
    }
    if name.len() > 100 {
        return Err(format!(
            "the migration name is {} bytes long: keep it under 100",
            name.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "invalid migration name `{}`: `{}` is not allowed; use letters, digits, `_` and `-` \
             (like `add_users_email`)",
            name.escape_default(),
            bad.escape_default()
        ));
    }
    if name.starts_with(['-', '_']) || name.contains("__") {
        return Err(format!(
            "invalid migration name `{name}`: it must start with a letter or digit and contain no \
             `__` (Flyway's separator)"
        ));
    }
    Ok(())
}

/// Days since 1970-01-01 to a civil (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The UTC time `secs` after the epoch as `YYYYMMDDHHMMSS`.
pub fn timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// How the existing versions are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// `20240101120000`.
    Timestamp,
    /// diesel's `2024-01-01-120000`.
    DashedTimestamp,
    /// `0007`, `7`: sequence numbers of this width.
    Sequence(usize),
}

fn style_of(version: &str) -> Style {
    let b = version.as_bytes();
    if b.len() == 17
        && [4, 7, 10].iter().all(|&i| b[i] == b'-')
        && version.chars().filter(char::is_ascii_digit).count() == 14
    {
        Style::DashedTimestamp
    } else if version.len() < 14 && version.bytes().all(|c| c.is_ascii_digit()) {
        Style::Sequence(version.len())
    } else {
        Style::Timestamp
    }
}

/// The next version after `newest` (as numeric parts collapse it) in
/// `style`, at time `now` (`YYYYMMDDHHMMSS`).
fn next_version(style: Style, newest: Option<u64>, now: &str) -> String {
    let now_n: u64 = now.parse().unwrap_or(0);
    match style {
        Style::Sequence(width) => {
            let next = newest.unwrap_or(0).saturating_add(1);
            format!("{next:0width$}")
        }
        Style::Timestamp | Style::DashedTimestamp => {
            // Later than every existing one, even with a clock behind.
            let n = match newest {
                Some(v) if v >= now_n => v.saturating_add(1),
                _ => now_n,
            };
            let digits = format!("{n:014}");
            if style == Style::DashedTimestamp && digits.len() == 14 {
                format!(
                    "{}-{}-{}-{}",
                    &digits[..4],
                    &digits[4..6],
                    &digits[6..8],
                    &digits[8..]
                )
            } else {
                digits
            }
        }
    }
}

const UP_HINT: &str = "-- Write the up migration here. `cargo migrate lint` checks it.\n";
const DOWN_HINT: &str = "-- Write the statements that undo the up section here, or replace this\n\
     -- section with `-- migrate:irreversible: <reason>`.\n";

/// The files of a new migration: (path relative to the directory, text).
fn files(layout: LayoutArg, version: &str, name: &str) -> Vec<(String, String)> {
    match layout {
        LayoutArg::Sections => vec![(
            format!("{version}_{name}.sql"),
            format!("-- migrate:up\n{UP_HINT}\n-- migrate:down\n{DOWN_HINT}"),
        )],
        LayoutArg::Paired => vec![
            (format!("{version}_{name}.up.sql"), UP_HINT.to_owned()),
            (format!("{version}_{name}.down.sql"), DOWN_HINT.to_owned()),
        ],
        LayoutArg::Diesel => vec![
            (format!("{version}_{name}/up.sql"), UP_HINT.to_owned()),
            (format!("{version}_{name}/down.sql"), DOWN_HINT.to_owned()),
        ],
        LayoutArg::Flyway => vec![
            (format!("V{version}__{name}.sql"), UP_HINT.to_owned()),
            (format!("U{version}__{name}.sql"), DOWN_HINT.to_owned()),
        ],
    }
}

/// Creates the migration.
pub fn run(args: &NewArgs) -> Result<ExitCode, Failure> {
    validate_name(&args.name).map_err(Failure)?;
    let config = crate::config::load(None)?.config;
    let dir = &crate::config::migrations_dir(args.dir.as_deref(), &config);
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(Failure(format!(
            "migrations directory `{shown}` does not exist: run `cargo migrate init` (or give --dir)"
        )));
    }
    let entries = discover::read_dir(dir)
        .map_err(|e| Failure(format!("cannot read migrations directory `{shown}`: {e}")))?;
    // Only the names matter here (layout, versions): classify the files
    // without parsing or checking them.
    let existing: Vec<SourceFile> = entries
        .iter()
        .filter_map(|e| SourceFile::decode(&e.rel_path, &e.rel_path, &e.bytes).ok())
        .collect();
    let candidates = discover::classify(&existing, &mut Vec::new());
    let newest = candidates.last();
    let detected = newest.map(|m| LayoutArg::from(m.layout));
    let layout = args.layout.or(detected).unwrap_or(LayoutArg::Sections);
    if let (Some(asked), Some(found)) = (args.layout, detected)
        && asked != found
    {
        errln!(
            "note: the directory's newest migration uses the {} layout; writing {} as asked",
            found
                .to_possible_value()
                .map_or("?".into(), |v| v.get_name().to_owned()),
            asked
                .to_possible_value()
                .map_or("?".into(), |v| v.get_name().to_owned()),
        );
    }
    let style = newest.map_or(Style::Timestamp, |m| style_of(&m.version));
    let style = match (style, layout) {
        // Flyway versions may not contain `-`.
        (Style::DashedTimestamp, LayoutArg::Flyway) => Style::Timestamp,
        (s, _) => s,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let newest_number = newest.and_then(|m| (m.parts.len() == 1).then(|| m.parts[0]));
    let version = next_version(style, newest_number, &timestamp(now));
    let files = files(layout, &version, &args.name);
    for (rel, _) in &files {
        if dir.join(rel).exists() {
            return Err(Failure(format!(
                "`{shown}/{rel}` exists already: nothing was written"
            )));
        }
    }
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Failure(format!("cannot write `{}`: {e}", path.display())))?;
        outln!("created {}", Path::new(&shown).join(rel).display());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_would_escape_or_break_a_file_name_are_refused() {
        assert!(validate_name("add_users_email").is_ok());
        assert!(validate_name("create-orders2").is_ok());
        for bad in [
            "", "../x", "a/b", "a\\b", "a b", "a.b", "-x", "a__b", "é", "a\0",
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(timestamp(0), "19700101000000");
        assert_eq!(timestamp(1_709_210_096), "20240229123456");
        assert_eq!(timestamp(951_782_400), "20000229000000");
    }

    #[test]
    fn versions_follow_the_directory_style() {
        assert_eq!(style_of("20240101120000"), Style::Timestamp);
        assert_eq!(style_of("2024-01-01-120000"), Style::DashedTimestamp);
        assert_eq!(style_of("0007"), Style::Sequence(4));
        let now = "20240301000000";
        assert_eq!(next_version(Style::Sequence(4), Some(7), now), "0008");
        assert_eq!(next_version(Style::Timestamp, None, now), now);
        assert_eq!(
            next_version(Style::Timestamp, Some(20250101000000), now),
            "20250101000001"
        );
        assert_eq!(
            next_version(Style::DashedTimestamp, Some(20240101120000), now),
            "2024-03-01-000000"
        );
    }

    #[test]
    fn every_layout_template_is_discovered_as_that_layout() {
        for layout in [
            LayoutArg::Sections,
            LayoutArg::Paired,
            LayoutArg::Diesel,
            LayoutArg::Flyway,
        ] {
            let entries = files(layout, "20240101120000", "x")
                .into_iter()
                .map(|(rel_path, text)| discover::FileEntry {
                    rel_path,
                    bytes: text.into_bytes(),
                })
                .collect();
            let report = migrate_check::check(migrate_check::Input {
                entries,
                display_dir: "migrations".into(),
                config: migrate_check::Config::default(),
                config_source: None,
            });
            assert_eq!(report.migrations.len(), 1, "{layout:?}");
            assert_eq!(LayoutArg::from(report.migrations[0].layout), layout);
        }
    }
}
