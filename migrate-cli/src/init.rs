//! `cargo migrate init`: sets up a crate for migrations. Asks nothing,
//! overwrites nothing, and can run again: what exists is left as it is.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use migrate_check::Dialect;

use crate::Failure;
use crate::output::outln;

/// The arguments of `cargo migrate init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The SQL dialect written to migrate.toml: postgres, mysql or sqlite
    /// (default: the scheme of DATABASE_URL when it is set, else sqlite).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<Dialect>,

    /// The migrations directory to create.
    #[arg(long, value_name = "DIR", default_value = "migrations")]
    pub dir: PathBuf,

    /// The settings file to create.
    #[arg(long, value_name = "FILE", default_value = crate::config::DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
}

/// The dialect named by a database URL's scheme, if any.
fn dialect_of_url(url: &str) -> Option<Dialect> {
    let scheme = url.split_once(':')?.0;
    scheme.parse().ok()
}

/// The text of a new `migrate.toml`.
pub fn config_text(dialect: Dialect) -> String {
    format!(
        "# Settings read by `embed_migrations!` and `cargo migrate` (every key optional).\n\
         dialect = \"{}\"            # postgres | mysql | sqlite\n\
         # postgres_version = \"15\"   # the oldest server the migrations must be safe on\n\
         # mysql_version = \"8.0\"\n\
         # sqlite_version = \"3.35\"\n\
         # history_table = \"migrate_history\"\n\
         \n\
         [rules]\n\
         # drop-table = \"warn\"       # allow | warn | error\n",
        dialect.name()
    )
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

/// Runs `init` in the current directory (the crate root).
pub fn run(args: &InitArgs) -> Result<ExitCode, Failure> {
    let dialect = args
        .dialect
        .or_else(|| {
            std::env::var("DATABASE_URL")
                .ok()
                .and_then(|u| dialect_of_url(&u))
        })
        .unwrap_or(Dialect::Sqlite);
    let dir = &args.dir;
    let shown = dir.display();
    if dir.is_dir() {
        outln!("exists   {shown}/ (left as it is)");
    } else if dir.exists() {
        return Err(Failure(format!(
            "`{shown}` exists and is not a directory: give another --dir"
        )));
    } else {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure(format!("cannot create `{shown}`: {e}")))?;
        outln!("created  {shown}/");
    }

    let config = &args.config;
    if create_new(config, &config_text(dialect))? {
        outln!("created  {} (dialect = \"{dialect}\")", config.display());
    } else {
        outln!("exists   {} (left as it is)", config.display());
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
    outln!(
        "\nnext: `cargo migrate new create_first_table`, then `cargo migrate lint` \
         and `cargo migrate up` (with DATABASE_URL set)"
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_template_is_valid_settings() {
        for dialect in Dialect::ALL {
            let parsed = migrate_check::Config::from_toml(&config_text(dialect)).unwrap();
            assert_eq!(parsed.dialect, dialect);
        }
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
