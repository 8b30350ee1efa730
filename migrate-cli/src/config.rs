//! Loading `migrate.toml`: the same settings file the macro reads.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use migrate_check::Config;

use crate::Failure;

/// The settings file read when `--config` is not given, from the current directory.
pub const DEFAULT_CONFIG_FILE: &str = "migrate.toml";

/// Settings, and the file they came from.
#[derive(Debug)]
pub struct Loaded {
    /// The parsed settings (defaults when there is no file).
    pub config: Config,
    /// The file's path as the user wrote it and its text, so that the check
    /// can point into it (an unknown rule id under `[rules]`).
    pub source: Option<(String, String)>,
}

/// Reads the settings: `explicit` (from `--config`) must exist; without it,
/// `migrate.toml` in the current directory is read when present, and the
/// defaults apply when it is not.
pub fn load(explicit: Option<&Path>) -> Result<Loaded, Failure> {
    let path = explicit.unwrap_or(Path::new(DEFAULT_CONFIG_FILE));
    let shown = path.to_string_lossy().into_owned();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound && explicit.is_none() => {
            return Ok(Loaded {
                config: Config::default(),
                source: None,
            });
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Failure(format!(
                "config file `{shown}` (given with --config) does not exist"
            )));
        }
        Err(e) => {
            return Err(Failure(format!("cannot read config file `{shown}`: {e}")));
        }
    };
    let config = Config::from_toml(&text)
        .map_err(|e| Failure(format!("invalid config file `{shown}`: {}", e.trim_end())))?;
    Ok(Loaded {
        config,
        source: Some((shown, text)),
    })
}

/// The migrations directory when `--dir` is not given.
pub const DEFAULT_MIGRATIONS_DIR: &str = "migrations";

/// The migrations directory: `explicit` (`--dir`, `lint`'s DIR), else
/// `migrations_dir` of the settings (written by `init --dir`), else
/// `migrations`.
pub fn migrations_dir(explicit: Option<&Path>, config: &Config) -> PathBuf {
    explicit.map_or_else(
        || {
            PathBuf::from(
                config
                    .migrations_dir
                    .as_deref()
                    .unwrap_or(DEFAULT_MIGRATIONS_DIR),
            )
        },
        Path::to_path_buf,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_given_wins_then_the_settings_then_the_default() {
        let mut config = Config::default();
        assert_eq!(migrations_dir(None, &config), Path::new("migrations"));
        config.migrations_dir = Some("db/migrations".into());
        assert_eq!(migrations_dir(None, &config), Path::new("db/migrations"));
        assert_eq!(
            migrations_dir(Some(Path::new("other")), &config),
            Path::new("other")
        );
    }
}
