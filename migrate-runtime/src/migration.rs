//! The static migration table that `embed_migrations!` expands to.
//!
//! Everything here is `&'static` data built at compile time: the runtime
//! never parses SQL or hashes files, it only executes what the build checked.

use std::cmp::Ordering;
use std::fmt;

/// A migration version as written in its file name, with the key it sorts by.
///
/// `20240101120000`, `1.2.10` (Flyway) and `2017-09-26-200549` (diesel) are
/// all versions. In a table ordered as numbers ([`VersionOrder::Numeric`])
/// `parts` holds their numeric components, so `1.10 > 1.9`; in one ordered
/// as text (diesel, dbmate) it holds the compared text packed eight bytes a
/// part (see [`Migrations::key_of`]).
///
/// ```
/// use migrate_runtime::Version;
/// let a = Version::new("1.9", &[1, 9]);
/// let b = Version::new("1.10", &[1, 10]);
/// assert!(a < b);
/// assert_eq!(b.to_string(), "1.10");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Version {
    /// The version exactly as it appears in the file name.
    pub text: &'static str,
    /// The key it sorts by: its numeric components, most significant first,
    /// or (in a table ordered as text) the packed text.
    pub parts: &'static [u64],
}

impl Version {
    /// A version from its text and numeric components (used by the macro).
    pub const fn new(text: &'static str, parts: &'static [u64]) -> Self {
        Version { text, parts }
    }
}

/// A piece of the one string in which `embed_migrations!` writes the
/// version texts and checksums of all migrations, side by side, so that
/// the start-up check reads them as one run of memory, not as thousands of
/// literals scattered among the SQL (a cache miss each in a process that
/// has just started). Used by the macro, not by hand.
///
/// ```
/// const TEXT: &str = "1sha256:aa";
/// assert_eq!(migrate_runtime::embedded_text(TEXT, 1, 9), "sha256:aa");
/// ```
///
/// # Panics
///
/// When the piece is out of range or not at character boundaries (at
/// compile time, when the table is a constant).
#[doc(hidden)]
pub const fn embedded_text(text: &'static str, start: usize, len: usize) -> &'static str {
    let bytes = text.as_bytes();
    let end = start + len;
    assert!(
        end <= bytes.len() && starts_char(bytes, start) && starts_char(bytes, end),
        "embedded_text: a piece must start and end at character boundaries"
    );
    let (_, rest) = bytes.split_at(start);
    let (piece, _) = rest.split_at(len);
    // SAFETY: `text` is UTF-8 and both ends of the piece are character
    // boundaries, so the piece is UTF-8 too. Checked this way, not with
    // `str::from_utf8`, because the check runs in the compiler's constant
    // evaluation, once per migration: two byte reads, not a pass over the
    // whole piece.
    unsafe { std::str::from_utf8_unchecked(piece) }
}

/// Whether a character starts at `at` (or `at` is the end).
const fn starts_char(bytes: &[u8], at: usize) -> bool {
    at == bytes.len() || (at < bytes.len() && (bytes[at] as i8) >= -0x40)
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_parts(self.parts, other.parts)
    }
}
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// A text packed eight bytes a part, big-endian: the parts compare as the
/// text does, byte by byte. The checker packs the same way
/// (`migrate_check::discover::text_key`); the runtime keeps its own copy
/// because it never depends on the checker.
pub(crate) fn text_key(text: &str) -> Vec<u64> {
    text.as_bytes()
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            u64::from_be_bytes(word)
        })
        .collect()
}

/// Compares version components numerically; missing trailing parts count as 0.
pub(crate) fn compare_parts(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

/// One SQL statement of a section, split at build time.
///
/// ```
/// use migrate_runtime::Statement;
/// const BUILD: Statement = Statement::new("CREATE INDEX CONCURRENTLY i ON t (a)", 3).concurrently();
/// assert!(BUILD.concurrent && !Statement::new("DROP TABLE t", 1).concurrent);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text, without the trailing `;`.
    pub sql: &'static str,
    /// 1-based line of the statement's first token in its `.sql` file.
    pub line: u32,
    /// Whether it runs `CONCURRENTLY` (PostgreSQL `CREATE INDEX`, `DROP
    /// INDEX`, `REINDEX`, `DETACH PARTITION`), as the checker read it from
    /// the statement's syntax. Such a statement waits for every older
    /// transaction to end, by design, without blocking anyone, so the runner
    /// runs it without the lock timeout that guards every other statement:
    /// a timeout would cancel the build and leave an invalid index behind.
    pub concurrent: bool,
}

impl Statement {
    /// A statement that does not run `CONCURRENTLY`.
    pub const fn new(sql: &'static str, line: u32) -> Self {
        Statement {
            sql,
            line,
            concurrent: false,
        }
    }

    /// The same statement, marked as running `CONCURRENTLY`.
    pub const fn concurrently(mut self) -> Self {
        self.concurrent = true;
        self
    }
}

/// The up or the down half of a migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// The statements in order.
    pub statements: &'static [Statement],
    /// Whether the runner wraps the section in one transaction
    /// (`false` after `-- migrate:no-transaction`).
    pub transactional: bool,
    /// The path of the file the section was read from, relative to the crate root.
    pub file: &'static str,
}

/// One migration of the embedded table.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// Its version, from the file name.
    pub version: Version,
    /// Its name, from the file name (`add_users_email` in `0003_add_users_email.sql`).
    pub name: &'static str,
    /// What applies it.
    pub up: Section,
    /// What reverses it; `None` when the migration is declared irreversible.
    pub down: Option<Section>,
    /// The reason given by `-- migrate:irreversible: reason`.
    pub irreversible: Option<&'static str>,
    /// `sha256:<hex>` over the normalized up text and its transaction mode.
    pub checksum: &'static str,
}

/// A seed: a file of reference data from the `seeds` directory beside the
/// migrations, run after them by [`Migrator::seed`](crate::Migrator::seed)
/// in one transaction, again whenever its checksum changes.
///
/// ```
/// use migrate_runtime::{Seed, Statement};
/// const COUNTRIES: Seed = Seed {
///     name: "01_countries",
///     file: "seeds/01_countries.sql",
///     environments: &[],
///     statements: &[Statement::new("INSERT OR IGNORE INTO countries VALUES ('fr')", 1)],
///     checksum: "sha256:5e",
/// };
/// assert!(COUNTRIES.runs_in(Some("prod")) && COUNTRIES.runs_in(None));
/// const DEV_USERS: Seed = Seed { name: "02_dev_users", environments: &["dev", "test"], ..COUNTRIES };
/// assert!(DEV_USERS.runs_in(Some("dev")));
/// assert!(!DEV_USERS.runs_in(Some("prod")) && !DEV_USERS.runs_in(None));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed {
    /// Its path relative to the seeds directory, without `.sql`
    /// (`01_countries`); seeds run in the order of their names, and the
    /// seeds table records them under it.
    pub name: &'static str,
    /// The file, relative to the crate root (`seeds/01_countries.sql`).
    pub file: &'static str,
    /// The environments it is limited to by `-- migrate:env(dev, test)`;
    /// empty: it runs in every environment.
    pub environments: &'static [&'static str],
    /// The statements in order, run in one transaction.
    pub statements: &'static [Statement],
    /// `sha256:<hex>` over its statements: when it differs from the
    /// recorded one, the seed runs again.
    pub checksum: &'static str,
}

impl Seed {
    /// Whether the seed runs in `environment` (`None`: no environment
    /// given, so only seeds that are not limited to any run).
    pub fn runs_in(&self, environment: Option<&str>) -> bool {
        self.environments.is_empty()
            || environment.is_some_and(|env| self.environments.contains(&env))
    }
}

/// The SQL dialect the migrations were checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

impl Dialect {
    /// The dialect's name as written in `migrate.toml`.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
}

/// How a table's versions are ordered: as the tool that wrote the
/// migrations orders them (the checker decides, the macro records it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionOrder {
    /// As numbers, part by part (sqlx, golang-migrate, refinery, Flyway).
    Numeric,
    /// As text: diesel's versions without dashes, dbmate's file names.
    Text,
}

/// The whole embedded table: what `embed_migrations!` expands to.
///
/// ```
/// use migrate_runtime::{Dialect, Migrations};
/// const NONE: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history");
/// assert!(NONE.migrations().is_empty());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Migrations {
    migrations: &'static [Migration],
    dialect: Dialect,
    history_table: &'static str,
    seeds: &'static [Seed],
    seeds_table: &'static str,
    order: VersionOrder,
}

impl Migrations {
    /// A table of migrations sorted by version (the macro guarantees the order
    /// and that versions are unique).
    pub const fn new(
        migrations: &'static [Migration],
        dialect: Dialect,
        history_table: &'static str,
    ) -> Self {
        Migrations {
            migrations,
            dialect,
            history_table,
            seeds: &[],
            seeds_table: "",
            order: VersionOrder::Numeric,
        }
    }

    /// The same table, its versions ordered as `order` says (the macro
    /// passes [`VersionOrder::Text`] for a diesel or dbmate directory whose
    /// versions are keyed by their text).
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Migrations, VersionOrder};
    /// const M: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history")
    ///     .with_version_order(VersionOrder::Text);
    /// assert_eq!(M.version_order(), VersionOrder::Text);
    /// ```
    pub const fn with_version_order(mut self, order: VersionOrder) -> Self {
        self.order = order;
        self
    }

    /// How the versions are ordered.
    pub const fn version_order(&self) -> VersionOrder {
        self.order
    }

    /// The sort key of a version given as text (a history row's version, a
    /// target named by the user), in this table's order: the key of the
    /// migration it names, when it names one (`0003` and `3` name the same
    /// numeric version; diesel's `20240301120000` names
    /// `2024-03-01-120000`), otherwise its numeric components, or in a
    /// table ordered as text the text packed eight bytes a part. `None`
    /// when a numeric table is given something that is not a version.
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Migrations, VersionOrder};
    /// const M: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history");
    /// assert_eq!(M.key_of("0003"), Some(vec![3]));
    /// assert_eq!(M.key_of("v1"), None);
    /// const T: Migrations = M.with_version_order(VersionOrder::Text);
    /// assert!(T.key_of("10") < T.key_of("9"));
    /// ```
    pub fn key_of(&self, text: &str) -> Option<Vec<u64>> {
        match self.order {
            // A migration's key is the number its text parses to.
            VersionOrder::Numeric => crate::target::parse_parts(text),
            VersionOrder::Text => {
                if let Some(m) = self.migrations.iter().find(|m| m.version.text == text) {
                    return Some(m.version.parts.to_vec());
                }
                let bare = text.replace('-', "");
                if let Some(m) = self
                    .migrations
                    .iter()
                    .find(|m| m.version.text.replace('-', "") == bare)
                {
                    return Some(m.version.parts.to_vec());
                }
                // The one migration with the same number (`0` names `0000`).
                let number = crate::target::parse_parts(text);
                let mut same_number = self.migrations.iter().filter(|m| {
                    number.as_deref().is_some_and(|n| {
                        crate::target::parse_parts(m.version.text)
                            .is_some_and(|p| compare_parts(&p, n) == Ordering::Equal)
                    })
                });
                if let (Some(m), None) = (same_number.next(), same_number.next()) {
                    return Some(m.version.parts.to_vec());
                }
                Some(text_key(&bare))
            }
        }
    }

    /// The same table with its seeds, sorted by name (the macro sorts
    /// them), recorded in `seeds_table` (the macro passes the history
    /// table's name followed by `_seeds`).
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Migrations, Seed};
    /// static SEEDS: &[Seed] = &[Seed {
    ///     name: "01_countries",
    ///     file: "seeds/01_countries.sql",
    ///     environments: &[],
    ///     statements: &[],
    ///     checksum: "sha256:00",
    /// }];
    /// const M: Migrations = Migrations::new(&[], Dialect::Sqlite, "migrate_history")
    ///     .with_seeds(SEEDS, "migrate_history_seeds");
    /// assert_eq!(M.seeds()[0].name, "01_countries");
    /// assert_eq!(M.seeds_table(), "migrate_history_seeds");
    /// ```
    pub const fn with_seeds(mut self, seeds: &'static [Seed], seeds_table: &'static str) -> Self {
        self.seeds = seeds;
        self.seeds_table = seeds_table;
        self
    }

    /// The seeds, in name order (empty without a `seeds` directory).
    pub const fn seeds(&self) -> &'static [Seed] {
        self.seeds
    }

    /// The table that records which seeds ran, with their checksums
    /// (`<history table>_seeds`; empty when the table has no seeds).
    pub const fn seeds_table(&self) -> &'static str {
        self.seeds_table
    }

    /// The migrations, oldest first.
    pub const fn migrations(&self) -> &'static [Migration] {
        self.migrations
    }

    /// The dialect they were checked for.
    pub const fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The name of the history table (`migrate_history` unless `migrate.toml` says otherwise).
    pub const fn history_table(&self) -> &'static str {
        self.history_table
    }
}

#[cfg(test)]
mod tests {
    use super::embedded_text;

    #[test]
    fn embedded_text_cuts_pieces_at_character_boundaries() {
        const TEXT: &str = "1é2sha256:aa";
        const PIECE: &str = embedded_text(TEXT, 1, 2);
        assert_eq!(PIECE, "é");
        assert_eq!(embedded_text(TEXT, 3, 10), "2sha256:aa");
        assert_eq!(embedded_text(TEXT, 13, 0), "");
    }

    #[test]
    #[should_panic(expected = "character boundaries")]
    fn embedded_text_refuses_half_a_character() {
        let _ = embedded_text("1é", 2, 1);
    }

    #[test]
    #[should_panic(expected = "character boundaries")]
    fn embedded_text_refuses_a_piece_past_the_end() {
        let _ = embedded_text("1é", 1, 3);
    }
}
