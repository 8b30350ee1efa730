//! Loading `migrate.toml`: the same settings file the macro reads.

use std::io::ErrorKind;
use std::path::Path;

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
