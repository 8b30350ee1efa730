//! `cargo migrate init`: sets up a crate for migrations. Asks nothing,
//! overwrites nothing, and can run again: what exists is left as it is.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use migrate_check::{Config, Dialect, Input, discover};

use crate::Failure;
use crate::output::outln;

/// The arguments of `cargo migrate init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The SQL dialect written to migrate.toml: postgres, mysql or sqlite
    /// (default: the scheme of DATABASE_URL when it is set, else sqlite).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<Dialect>,

    /// The migrations directory to create, recorded as `migrations_dir` in
    /// migrate.toml so that the other commands use it without --dir
    /// (default: `migrations_dir` of an existing migrate.toml, else `migrations`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The settings file to create.
    #[arg(long, value_name = "FILE", default_value = crate::config::DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
}

/// The dialect named by a database URL's scheme, if any.
fn dialect_of_url(url: &str) -> Option<Dialect> {
    let scheme = url.split_once(':')?.0;
    scheme.parse().ok()
}

/// The text of a new `migrate.toml`, with `keys` (lines from [`key_line`]).
pub fn config_text(dialect: Dialect, keys: &[String]) -> String {
    let mut text = format!(
        "# Settings read by `embed_migrations!` and `cargo migrate` (every key optional).\n\
         dialect = \"{}\"            # postgres | mysql | sqlite\n\
         # postgres_version = \"15\"   # the oldest server the migrations must be safe on\n\
         # mysql_version = \"8.0\"\n\
         # sqlite_version = \"3.35\"\n\
         # history_table = \"migrate_history\"\n",
        dialect.name()
    );
    for line in keys {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(
        "\n\
         [rules]\n\
         # drop-table = \"warn\"       # allow | warn | error\n",
    );
    text
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key = "value"  # comment`.
pub fn key_line(key: &str, value: &str, comment: &str) -> String {
    format!("{key} = {}  # {comment}", toml_string(value))
}

/// `text` with `lines` added as top-level keys: before the first table
/// header (a key after it would belong to the table), else at the end.
/// Everything else, comments included, stays as it is.
pub fn add_top_level_keys(text: &str, lines: &[String]) -> String {
    let mut block = String::from("# Added by `cargo migrate init`:\n");
    for line in lines {
        block.push_str(line);
        block.push('\n');
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            let (before, after) = text.split_at(offset);
            let sep = if before.is_empty() || before.ends_with("\n\n") {
                ""
            } else {
                "\n"
            };
            return format!("{before}{sep}{block}\n{after}");
        }
        offset += line.len();
    }
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&block);
    out
}

/// The line of `build.rs` that makes adding a migration rebuild the crate.
pub fn rerun_line(dir: &Path) -> String {
    let dir = dir.to_string_lossy().replace('\\', "/");
    format!("println!(\"cargo:rerun-if-changed={dir}\");")
}

/// Writes `path` only when it does not exist yet; `Ok(false)` when it did.
fn create_new(path: &Path, text: &str) -> Result<bool, Failure> {
    use std::io::Write;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => file
            .write_all(text.as_bytes())
            .map(|()| true)
            .map_err(|e| Failure(format!("cannot write `{}`: {e}", path.display()))),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Failure(format!("cannot create `{}`: {e}", path.display()))),
    }
}

/// What `dir` already holds: its newest migration as the checker orders
/// them, with their count, and the folders in it that each hold one
/// database's migrations (`postgres/`, `mysql/`: the directory to point at
/// is one of them), with the checker's advice.
#[allow(clippy::type_complexity)]
fn already_there(
    dir: &Path,
    config: &Config,
) -> Result<(Option<(String, usize)>, Vec<String>), Failure> {
    let display_dir = dir.to_string_lossy().into_owned();
    let entries = discover::read_dir(dir).map_err(|e| {
        Failure(format!(
            "cannot read migrations directory `{display_dir}`: {e}"
        ))
    })?;
    if entries.is_empty() {
        return Ok((None, Vec::new()));
    }
    let report = migrate_check::check(Input {
        entries,
        display_dir,
        config: config.clone(),
        config_source: None,
    });
    let folders = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.rule == "unknown-layout" && d.message.contains("holds the migrations of one database")
        })
        .map(|d| format!("{}; {}", d.message, d.help.as_deref().unwrap_or_default()))
        .collect();
    Ok((
        report
            .migrations
            .last()
            .map(|m| (m.version.clone(), report.migrations.len())),
        folders,
    ))
}

/// Runs `init` in the current directory (the crate root).
pub fn run(args: &InitArgs) -> Result<ExitCode, Failure> {
    let config_path = &args.config;
    let config_shown = config_path.display().to_string();
    // The settings already written, if any: never overwritten.
    let existing = match std::fs::read_to_string(config_path) {
        Ok(text) => {
            let config = Config::from_toml(&text).map_err(|e| {
                Failure(format!(
                    "invalid config file `{config_shown}`: {}; fix it, then run `cargo migrate init` again",
                    e.trim_end()
                ))
            })?;
            Some((text, config))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Failure(format!(
                "cannot read config file `{config_shown}`: {e}"
            )));
        }
    };
    let dialect = args
        .dialect
        .or_else(|| {
            std::env::var("DATABASE_URL")
                .ok()
                .and_then(|u| dialect_of_url(&u))
        })
        .unwrap_or(Dialect::Sqlite);
    let mut config = existing
        .as_ref()
        .map_or_else(Config::default, |(_, c)| c.clone());
    if existing.is_none() {
        config.dialect = dialect;
    }
    let dir = &crate::config::migrations_dir(args.dir.as_deref(), &config);
    let shown = dir.display();
    let mut newest = None;
    if dir.is_dir() {
        outln!("exists   {shown}/ (left as it is)");
        let folders;
        (newest, folders) = already_there(dir, &config)?;
        for folder in folders {
            outln!("note     {folder}");
        }
    } else if dir.exists() {
        return Err(Failure(format!(
            "`{shown}` exists and is not a directory: give another --dir"
        )));
    } else {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure(format!("cannot create `{shown}`: {e}")))?;
        outln!("created  {shown}/");
    }

    // The keys this run records: the directory given, and the newest
    // migration of a directory that already holds some.
    let dir_text = dir.to_string_lossy().replace('\\', "/");
    let mut keys: Vec<String> = Vec::new();
    let mut added: Vec<&str> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    if args.dir.is_some() {
        match &config.migrations_dir {
            None => {
                keys.push(key_line(
                    "migrations_dir",
                    &dir_text,
                    "the directory `cargo migrate` uses without --dir",
                ));
                added.push("migrations_dir");
            }
            Some(d) if *d != dir_text => kept.push(format!(
                "`migrations_dir = {}` is left as it is (this run used `{dir_text}`): edit it if \
                 `{dir_text}` is the directory",
                toml_string(d)
            )),
            Some(_) => {}
        }
    }
    let mut history = None;
    if let Some((version, count)) = &newest {
        match &config.checked_after {
            None => {
                keys.push(key_line(
                    "checked_after",
                    version,
                    "migrations up to this one are history: their findings are not reported",
                ));
                added.push("checked_after");
                history = Some((version.clone(), *count));
            }
            Some(v) => kept.push(format!(
                "`checked_after = {}` is left as it is (the newest migration is {version})",
                toml_string(v)
            )),
        }
    }

    match &existing {
        None => {
            create_new(config_path, &config_text(dialect, &keys))?;
            outln!("created  {config_shown} (dialect = \"{dialect}\")");
        }
        Some((_, _)) if keys.is_empty() => {
            outln!("exists   {config_shown} (left as it is)");
        }
        Some((text, _)) => {
            let updated = add_top_level_keys(text, &keys);
            // Written only if it reads back with exactly these values.
            let reads_back = Config::from_toml(&updated).is_ok_and(|c| {
                (!added.contains(&"migrations_dir")
                    || c.migrations_dir.as_deref() == Some(dir_text.as_str()))
                    && (!added.contains(&"checked_after")
                        || c.checked_after == history.as_ref().map(|(v, _)| v.clone()))
            });
            if reads_back {
                std::fs::write(config_path, updated)
                    .map_err(|e| Failure(format!("cannot write `{config_shown}`: {e}")))?;
                outln!(
                    "updated  {config_shown} (added {}; the rest is left as it is)",
                    added.join(" and ")
                );
            } else {
                outln!(
                    "exists   {config_shown} (left as it is): add these lines before its first \
                     `[table]`:{}",
                    crate::output::lines(&keys, "           ")
                );
            }
        }
    }
    for note in &kept {
        outln!("note     {note}");
    }
    if let Some((version, count)) = &history {
        outln!(
            "history  checked_after = \"{version}\": the {count} migration(s) already in {shown}/, \
             up to and including {version}, are history: their findings are not reported, only \
             those of newer migrations. To check them all again, delete the `checked_after` line \
             from {config_shown} (`cargo migrate lint --all` shows every finding without changing it)"
        );
    }

    let line = rerun_line(dir);
    let build = Path::new("build.rs");
    if !Path::new("Cargo.toml").is_file() {
        outln!(
            "skipped  build.rs: no Cargo.toml here. In the crate that embeds the migrations, add a \
             build.rs containing `fn main() {{ {line} }}` so that adding a migration rebuilds it"
        );
    } else if create_new(build, &format!("fn main() {{\n    {line}\n}}\n"))? {
        outln!("created  build.rs (adding a migration rebuilds the crate)");
    } else {
        let text = std::fs::read_to_string(build)
            .map_err(|e| Failure(format!("cannot read `build.rs`: {e}")))?;
        let wanted = line
            .trim_start_matches("println!(\"")
            .trim_end_matches("\");");
        if text.contains(wanted) {
            outln!("exists   build.rs (already reruns on {shown})");
        } else {
            outln!(
                "exists   build.rs (left as it is): add this line to its `fn main`, so that adding \
                 a migration rebuilds the crate:\n             {line}"
            );
        }
    }
    if history.is_some() {
        outln!(
            "\nnext: `cargo migrate lint`, then record what each database already ran: \
             `cargo migrate adopt --from <its tool>` (or `cargo migrate baseline <version>`); \
             see docs/guide/adopting.md"
        );
    } else {
        outln!(
            "\nnext: `cargo migrate new create_first_table`, then `cargo migrate lint` \
             and `cargo migrate up` (with DATABASE_URL set)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_template_is_valid_settings() {
        for dialect in Dialect::ALL {
            let parsed = migrate_check::Config::from_toml(&config_text(dialect, &[])).unwrap();
            assert_eq!(parsed.dialect, dialect);
            let keys = [
                key_line("migrations_dir", "db/mig\"rations", "x"),
                key_line("checked_after", "20240101", "y"),
            ];
            let parsed = Config::from_toml(&config_text(dialect, &keys)).unwrap();
            assert_eq!(parsed.migrations_dir.as_deref(), Some("db/mig\"rations"));
            assert_eq!(parsed.checked_after.as_deref(), Some("20240101"));
        }
    }

    #[test]
    fn keys_are_added_before_the_first_table_and_comments_stay() {
        let keys = [key_line("checked_after", "7", "history")];
        let text = "# mine\ndialect = \"postgres\" # keep\n\n[rules]\ndrop-table = \"warn\"\n";
        let updated = add_top_level_keys(text, &keys);
        assert!(updated.starts_with("# mine\ndialect = \"postgres\" # keep\n\n# Added"));
        assert!(
            updated.ends_with("\n\n[rules]\ndrop-table = \"warn\"\n"),
            "{updated}"
        );
        let c = Config::from_toml(&updated).unwrap();
        assert_eq!(c.checked_after.as_deref(), Some("7"));
        assert_eq!(c.rule_levels.len(), 1);
        // No table: at the end.
        let updated = add_top_level_keys("dialect = \"mysql\"", &keys);
        assert_eq!(
            Config::from_toml(&updated)
                .unwrap()
                .checked_after
                .as_deref(),
            Some("7")
        );
    }

    #[test]
    fn dialect_from_a_url_scheme() {
        assert_eq!(
            dialect_of_url("postgres://u:p@h/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(dialect_of_url("mysql://root@h/db"), Some(Dialect::MySql));
        assert_eq!(dialect_of_url("sqlite://app.db"), Some(Dialect::Sqlite));
        assert_eq!(dialect_of_url("redis://h"), None);
    }

    #[test]
    fn rerun_line_names_the_directory() {
        assert_eq!(
            rerun_line(Path::new("db/migrations")),
            "println!(\"cargo:rerun-if-changed=db/migrations\");"
        );
    }
}
