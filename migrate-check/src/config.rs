//! `migrate.toml`: the dialect, the oldest server versions the migrations
//! must be safe on, rule levels and the history table name.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// The SQL dialect migrations are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite (the embedded default).
    Sqlite,
}

impl Dialect {
    /// All dialects, in the order rule tables list them.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    /// The name used in `migrate.toml` and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    pub(crate) fn sqlparser(self) -> &'static dyn sqlparser::dialect::Dialect {
        use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
        match self {
            Dialect::Postgres => &PostgreSqlDialect {},
            Dialect::MySql => &MySqlDialect {},
            Dialect::Sqlite => &SQLiteDialect {},
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;

    /// ```
    /// use migrate_check::Dialect;
    /// assert_eq!("postgresql".parse::<Dialect>(), Ok(Dialect::Postgres));
    /// assert_eq!("mariadb".parse::<Dialect>(), Ok(Dialect::MySql));
    /// assert!("oracle".parse::<Dialect>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            other => Err(format!(
                "unknown dialect `{other}`: expected `postgres`, `mysql` or `sqlite`"
            )),
        }
    }
}

/// A server version as users write it: `"10"`, `"14.2"`, `"8.0.29"`, `"3.35"`.
///
/// Missing parts count as zero, so `"14"` is 14.0.0.
///
/// ```
/// use migrate_check::ServerVersion;
/// let v: ServerVersion = "14.2".parse().unwrap();
/// assert!(v >= ServerVersion::new(14, 0, 0));
/// assert!(v < ServerVersion::new(14, 4, 0));
/// assert_eq!(v.to_string(), "14.2");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ServerVersion {
    parts: [u32; 3],
    written: u8,
}

impl ServerVersion {
    /// A version from its major, minor and patch numbers.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        ServerVersion {
            parts: [major, minor, patch],
            written: 3,
        }
    }

    /// The major version.
    pub const fn major(&self) -> u32 {
        self.parts[0]
    }
}

// Equality and order ignore how many parts were written: "14" == "14.0".
impl PartialEq for ServerVersion {
    fn eq(&self, o: &Self) -> bool {
        self.parts == o.parts
    }
}
impl Eq for ServerVersion {}
impl PartialOrd for ServerVersion {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for ServerVersion {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.parts.cmp(&o.parts)
    }
}
impl std::hash::Hash for ServerVersion {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.parts.hash(h)
    }
}

impl PartialEq<(u32, u32, u32)> for ServerVersion {
    fn eq(&self, o: &(u32, u32, u32)) -> bool {
        self.parts == [o.0, o.1, o.2]
    }
}

impl FromStr for ServerVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let mut parts = [0u32; 3];
        let pieces: Vec<&str> = t.split('.').collect();
        if t.is_empty() || pieces.len() > 3 {
            return Err(format!(
                "`{s}` is not a server version: write it as `14`, `14.2` or `8.0.29`"
            ));
        }
        for (i, p) in pieces.iter().enumerate() {
            parts[i] = p.parse().map_err(|_| {
                format!("`{s}` is not a server version: write it as `14`, `14.2` or `8.0.29`")
            })?;
        }
        Ok(ServerVersion {
            parts,
            written: pieces.len() as u8,
        })
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = usize::from(self.written.clamp(1, 3));
        let shown: Vec<String> = self.parts[..n].iter().map(|p| p.to_string()).collect();
        f.write_str(&shown.join("."))
    }
}

/// How a rule's findings are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported; does not fail the build.
    Warn,
    /// Reported; fails the build and `cargo migrate lint`.
    Error,
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "allow" | "off" => Ok(Level::Allow),
            "warn" | "warning" => Ok(Level::Warn),
            "error" | "deny" => Ok(Level::Error),
            other => Err(format!(
                "unknown level `{other}`: expected `allow`, `warn` or `error`"
            )),
        }
    }
}

/// The default oldest PostgreSQL release: the oldest one its community still
/// supports (PostgreSQL 14 reached end of life in November 2026).
pub const DEFAULT_POSTGRES_VERSION: ServerVersion = ServerVersion::new(15, 0, 0);
/// The default oldest MySQL release: 8.0, still the most deployed series
/// (its INSTANT and INPLACE rules are the ones most users must live with).
pub const DEFAULT_MYSQL_VERSION: ServerVersion = ServerVersion::new(8, 0, 0);
/// The default oldest SQLite release: 3.35, the first with `DROP COLUMN`.
pub const DEFAULT_SQLITE_VERSION: ServerVersion = ServerVersion::new(3, 35, 0);
/// The default history table name.
pub const DEFAULT_HISTORY_TABLE: &str = "migrate_history";

/// The project settings, as read from `migrate.toml` (every key optional).
///
/// ```
/// use migrate_check::{Config, Dialect, Level};
/// let cfg = Config::from_toml(r#"
///     dialect = "postgres"
///     postgres_version = "12"
///     [rules]
///     drop-table = "warn"
/// "#).unwrap();
/// assert_eq!(cfg.dialect, Dialect::Postgres);
/// assert_eq!(cfg.postgres_version.to_string(), "12");
/// assert_eq!(cfg.rule_levels["drop-table"], Level::Warn);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The dialect (default: SQLite, the embedded default).
    pub dialect: Dialect,
    /// Oldest PostgreSQL the migrations must be safe on.
    pub postgres_version: ServerVersion,
    /// Oldest MySQL the migrations must be safe on.
    pub mysql_version: ServerVersion,
    /// When set, the `mysql` dialect targets MariaDB, and this is the oldest
    /// MariaDB release the migrations must be safe on (it replaces
    /// `mysql_version`: MariaDB's online DDL and foreign-key parsing differ).
    pub mariadb_version: Option<ServerVersion>,
    /// Oldest SQLite the migrations must be safe on.
    pub sqlite_version: ServerVersion,
    /// Level overrides by rule id (validated when checking: an unknown id is a diagnostic).
    pub rule_levels: BTreeMap<String, Level>,
    /// The name of the history table.
    pub history_table: String,
    /// The newest migration that is history (`checked_after` in
    /// `migrate.toml`): migrations up to it and including it are replayed
    /// into the schema model, but their findings are not reported, so that
    /// only new migrations can fail the build. `None`: every migration is
    /// checked.
    pub checked_after: Option<String>,
    /// The migrations directory the command-line tool uses when `--dir` is
    /// not given (`migrations_dir` in `migrate.toml`, written by `cargo
    /// migrate init --dir`), relative to the crate root.
    pub migrations_dir: Option<String>,
    /// How versions are ordered (`version_order` in `migrate.toml`): `None`
    /// orders them as the tool that wrote the layout does.
    pub version_order: Option<crate::discover::VersionOrder>,
    /// `check_down = "strict"`: findings in down sections are errors like
    /// those in up sections. By default the rules not in
    /// [`STAY_ERRORS_IN_DOWN`](crate::rules::STAY_ERRORS_IN_DOWN) are
    /// warnings there.
    pub strict_downs: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dialect: Dialect::Sqlite,
            postgres_version: DEFAULT_POSTGRES_VERSION,
            mysql_version: DEFAULT_MYSQL_VERSION,
            mariadb_version: None,
            sqlite_version: DEFAULT_SQLITE_VERSION,
            rule_levels: BTreeMap::new(),
            history_table: DEFAULT_HISTORY_TABLE.to_string(),
            checked_after: None,
            migrations_dir: None,
            version_order: None,
            strict_downs: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    dialect: Option<String>,
    postgres_version: Option<VersionValue>,
    mysql_version: Option<VersionValue>,
    mariadb_version: Option<VersionValue>,
    sqlite_version: Option<VersionValue>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    history_table: Option<String>,
    checked_after: Option<VersionValue>,
    migrations_dir: Option<String>,
    version_order: Option<String>,
    check_down: Option<String>,
}

/// Versions are usually strings, but `postgres_version = 14` is forgiven.
#[derive(Deserialize)]
#[serde(untagged)]
enum VersionValue {
    Text(String),
    Int(i64),
    Float(f64),
}

impl VersionValue {
    fn text(&self) -> String {
        match self {
            VersionValue::Text(s) => s.trim().to_string(),
            VersionValue::Int(i) => i.to_string(),
            VersionValue::Float(f) => f.to_string(),
        }
    }

    fn parse(&self, key: &str) -> Result<ServerVersion, String> {
        self.text().parse().map_err(|e| format!("`{key}`: {e}"))
    }
}

impl Config {
    /// Reads the text of a `migrate.toml`. Errors name the key at fault.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut cfg = Config::default();
        if let Some(d) = raw.dialect {
            cfg.dialect = d.parse().map_err(|e| format!("`dialect`: {e}"))?;
        }
        if let Some(v) = raw.postgres_version {
            cfg.postgres_version = v.parse("postgres_version")?;
        }
        if let Some(v) = raw.mysql_version {
            cfg.mysql_version = v.parse("mysql_version")?;
        }
        if let Some(v) = raw.mariadb_version {
            cfg.mariadb_version = Some(v.parse("mariadb_version")?);
        }
        if let Some(v) = raw.sqlite_version {
            cfg.sqlite_version = v.parse("sqlite_version")?;
        }
        for (rule, level) in raw.rules {
            let level = level
                .parse()
                .map_err(|e| format!("`[rules] {rule}`: {e}"))?;
            cfg.rule_levels.insert(rule, level);
        }
        if let Some(t) = raw.history_table {
            if !valid_history_table(&t) {
                return Err(format!(
                    "`history_table`: `{t}` is not a plain identifier (letters, digits and `_`, optionally `schema.table`)"
                ));
            }
            cfg.history_table = t;
        }
        if let Some(v) = raw.checked_after {
            let written = v.text();
            // Flyway's `V1_2` is version `1_2`.
            let text = written
                .strip_prefix(['V', 'v'])
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
                .unwrap_or(&written);
            if !text.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(format!(
                    "`checked_after`: `{written}` is not a migration version: write the version of the newest migration that is history, as its file name starts (`20240101120000`, diesel's `2024-01-01-120000`, Flyway's `1.2`)"
                ));
            }
            cfg.checked_after = Some(text.to_string());
        }
        if let Some(d) = raw.migrations_dir {
            if d.trim().is_empty() {
                return Err("`migrations_dir`: empty path".into());
            }
            cfg.migrations_dir = Some(d);
        }
        if let Some(c) = raw.check_down {
            cfg.strict_downs = match c.as_str() {
                "strict" => true,
                "relaxed" => false,
                other => {
                    return Err(format!(
                        "`check_down`: `{other}` is not a policy: `relaxed` (the default: in a down section, lock and rewrite findings are warnings) or `strict` (errors, as in an up section)"
                    ));
                }
            };
        }
        if let Some(o) = raw.version_order {
            cfg.version_order = Some(o.parse().map_err(|e| format!("`version_order`: {e}"))?);
        }
        Ok(cfg)
    }

    /// The oldest server version of the configured dialect (for `mysql`:
    /// the MariaDB version when `mariadb_version` is set).
    ///
    /// ```
    /// use migrate_check::{Config, ServerVersion};
    /// let cfg = Config::from_toml("dialect = \"mysql\"\nmariadb_version = \"10.11\"").unwrap();
    /// assert!(cfg.is_mariadb());
    /// assert_eq!(cfg.server_version(), ServerVersion::new(10, 11, 0));
    /// ```
    pub fn server_version(&self) -> ServerVersion {
        match self.dialect {
            Dialect::Postgres => self.postgres_version,
            Dialect::MySql => self.mariadb_version.unwrap_or(self.mysql_version),
            Dialect::Sqlite => self.sqlite_version,
        }
    }
}

impl Config {
    /// Whether the `mysql` dialect targets MariaDB (`mariadb_version` is set).
    pub fn is_mariadb(&self) -> bool {
        self.dialect == Dialect::MySql && self.mariadb_version.is_some()
    }
}

fn valid_history_table(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() <= 2
        && parts.iter().all(|p| {
            let mut chars = p.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                && p.len() <= 63
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_written() {
        for (text, parts) in [
            ("10", [10, 0, 0]),
            ("14.2", [14, 2, 0]),
            ("8.0.29", [8, 0, 29]),
        ] {
            let v: ServerVersion = text.parse().unwrap();
            assert_eq!(v.parts, parts);
            assert_eq!(v.to_string(), text);
        }
        assert!("".parse::<ServerVersion>().is_err());
        assert!("fourteen".parse::<ServerVersion>().is_err());
        assert!("1.2.3.4".parse::<ServerVersion>().is_err());
    }

    #[test]
    fn config_errors_name_the_key() {
        let e = Config::from_toml("postgres_version = \"x\"").unwrap_err();
        assert!(e.contains("postgres_version"), "{e}");
        let e = Config::from_toml("[rules]\ndrop-table = \"loud\"").unwrap_err();
        assert!(e.contains("drop-table"), "{e}");
        let e = Config::from_toml("history_table = \"a;drop\"").unwrap_err();
        assert!(e.contains("history_table"), "{e}");
        assert!(Config::from_toml("dialekt = \"pg\"").is_err());
    }

    #[test]
    fn checked_after_is_a_version() {
        let c = Config::from_toml("checked_after = 20240101000000").unwrap();
        assert_eq!(c.checked_after.as_deref(), Some("20240101000000"));
        let c = Config::from_toml("checked_after = \"V1_12_3\"").unwrap();
        assert_eq!(c.checked_after.as_deref(), Some("1_12_3"));
        let e = Config::from_toml("checked_after = \"banana\"").unwrap_err();
        assert!(e.contains("checked_after") && e.contains("banana"), "{e}");
        let c = Config::from_toml("version_order = \"text\"\nmigrations_dir = \"db/m\"").unwrap();
        assert_eq!(c.version_order, Some(crate::VersionOrder::Text));
        assert_eq!(c.migrations_dir.as_deref(), Some("db/m"));
        assert!(Config::from_toml("version_order = \"random\"").is_err());
    }

    #[test]
    fn integer_versions_are_forgiven() {
        let c = Config::from_toml("postgres_version = 12\nsqlite_version = 3.25").unwrap();
        assert_eq!(c.postgres_version, ServerVersion::new(12, 0, 0));
        assert_eq!(c.sqlite_version, ServerVersion::new(3, 25, 0));
    }
}
