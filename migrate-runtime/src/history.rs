//! The history table: its validated name, its rows, and the UTC timestamps
//! written into them.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::backend::DbError;
use crate::error::Error;

/// The longest identifier accepted in a history table name (PostgreSQL's limit).
const MAX_IDENTIFIER: usize = 63;

/// The validated name of the history table, optionally schema-qualified.
///
/// Both parts are plain identifiers (`[A-Za-z_][A-Za-z0-9_]*`, at most 63
/// characters), so every backend can quote them without escaping.
///
/// ```
/// use migrate_runtime::HistoryTable;
/// let t = HistoryTable::parse("app.migrate_history")?;
/// assert_eq!(t.schema(), Some("app"));
/// assert_eq!(t.name(), "migrate_history");
/// assert!(HistoryTable::parse("history; DROP TABLE users").is_err());
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HistoryTable {
    schema: Option<&'static str>,
    name: &'static str,
}

impl HistoryTable {
    /// Validates `table` (`name` or `schema.name`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHistoryTable`] when a part is empty, too long or not a
    /// plain identifier.
    pub fn parse(table: &'static str) -> Result<Self, Error> {
        let invalid = || Error::InvalidHistoryTable {
            table: table.to_owned(),
        };
        let (schema, name) = match table.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, table),
        };
        if !schema.is_none_or(is_identifier) || !is_identifier(name) {
            return Err(invalid());
        }
        Ok(HistoryTable { schema, name })
    }

    /// The schema (or attached SQLite database) part, if qualified.
    pub const fn schema(&self) -> Option<&'static str> {
        self.schema
    }

    /// The table name without its schema.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The name with each part wrapped in `quote` (`"` for PostgreSQL and
    /// SQLite, `` ` `` for MySQL); safe because the parts are plain identifiers.
    ///
    /// ```
    /// use migrate_runtime::HistoryTable;
    /// let t = HistoryTable::parse("app.history")?;
    /// assert_eq!(t.quoted('"'), r#""app"."history""#);
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn quoted(&self, quote: char) -> String {
        match self.schema {
            Some(schema) => format!("{quote}{schema}{quote}.{quote}{}{quote}", self.name),
            None => format!("{quote}{}{quote}", self.name),
        }
    }
}

impl fmt::Display for HistoryTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(schema) = self.schema {
            write!(f, "{schema}.")?;
        }
        f.write_str(self.name)
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && s.len() <= MAX_IDENTIFIER
}

/// The state of a history row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowState {
    /// The migration's up section ran completely (`applied`).
    Applied,
    /// A non-transactional up section started and did not finish (`dirty`).
    Dirty,
    /// A non-transactional down section started and did not finish (`dirty_down`).
    DirtyDown,
}

impl RowState {
    /// The text stored in the `state` column.
    pub const fn as_str(self) -> &'static str {
        match self {
            RowState::Applied => "applied",
            RowState::Dirty => "dirty",
            RowState::DirtyDown => "dirty_down",
        }
    }

    /// Parses the text of the `state` column.
    ///
    /// ```
    /// use migrate_runtime::RowState;
    /// assert_eq!(RowState::parse("dirty"), Some(RowState::Dirty));
    /// assert_eq!(RowState::parse("bogus"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "applied" => Some(RowState::Applied),
            "dirty" => Some(RowState::Dirty),
            "dirty_down" => Some(RowState::DirtyDown),
            _ => None,
        }
    }

    /// The `state` column of the row `version` as read from the database:
    /// an unknown value is an error that names the row.
    pub(crate) fn read(version: &str, text: &str) -> Result<Self, DbError> {
        Self::parse(text).ok_or_else(|| {
            DbError::new(format!(
                "history row {version} has an unknown state `{text}` \
                 (expected applied, dirty or dirty_down)"
            ))
        })
    }

    /// Whether a run stopped in the middle of a section.
    pub const fn is_dirty(self) -> bool {
        !matches!(self, RowState::Applied)
    }
}

impl fmt::Display for RowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the history table.
///
/// Columns: `version` (text, primary key), `name`, `checksum`, `applied_at`
/// (UTC; RFC 3339 text on SQLite, a timestamp on PostgreSQL and MySQL),
/// `duration_ms`, `state`, `statements_done` and `statement_checksums`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    /// The version text, as in the migration's file name.
    pub version: String,
    /// The migration's name.
    pub name: String,
    /// The checksum of the migration when it was applied.
    pub checksum: String,
    /// When it was applied (or started, while dirty), as `YYYY-MM-DDTHH:MM:SSZ`.
    pub applied_at: String,
    /// How long the section took, in milliseconds.
    pub duration_ms: u64,
    /// Applied, or dirty while a non-transactional section runs or after it failed.
    pub state: RowState,
    /// How many statements of the running section completed.
    pub statements_done: u32,
    /// While dirty: the checksums of the statements that completed, so that
    /// [`Resolution::Resume`](crate::Resolution::Resume) can tell whether
    /// they were edited since (`fnv1a64:` followed by one 16-digit hex
    /// checksum per statement, comma-separated; empty once applied).
    pub statement_checksums: String,
}

impl HistoryRow {
    /// How long the section took.
    pub fn duration(&self) -> Duration {
        Duration::from_millis(self.duration_ms)
    }
}

/// What the start-up check compares of a history row: its version,
/// checksum and state, borrowed from the backend's read buffer
/// ([`Backend::scan_checksums`](crate::Backend::scan_checksums)).
///
/// ```
/// use migrate_runtime::{ChecksumRow, RowState};
/// let row = ChecksumRow { version: "1", checksum: "sha256:aa", state: RowState::Applied };
/// assert_eq!(row.state, RowState::Applied);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChecksumRow<'a> {
    /// The version text, as in the migration's file name.
    pub version: &'a str,
    /// The checksum of the migration when it was applied.
    pub checksum: &'a str,
    /// Applied or dirty.
    pub state: RowState,
}

impl<'a> ChecksumRow<'a> {
    /// A row as a backend reads it, its state as text: an unknown state is
    /// an error that names the row.
    pub(crate) fn read(version: &'a str, checksum: &'a str, state: &str) -> Result<Self, DbError> {
        Ok(ChecksumRow {
            version,
            checksum,
            state: RowState::read(version, state)?,
        })
    }
}

impl<'a> From<&'a HistoryRow> for ChecksumRow<'a> {
    fn from(row: &'a HistoryRow) -> Self {
        ChecksumRow {
            version: &row.version,
            checksum: &row.checksum,
            state: row.state,
        }
    }
}

/// The tag of the statement checksum algorithm in `statement_checksums`.
const CHECKSUM_TAG: &str = "fnv1a64:";

/// The checksum of one statement's text (64-bit FNV-1a): it only needs to
/// notice an edit, not resist forgery, and keeps the runtime free of
/// hashing dependencies.
pub(crate) fn statement_checksum(sql: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sql.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// `statement_checksums` for the first statements of a section.
pub(crate) fn encode_checksums<'a>(sqls: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from(CHECKSUM_TAG);
    for (i, sql) in sqls.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{:016x}", statement_checksum(sql)));
    }
    out
}

/// Appends the checksum of one more completed statement.
pub(crate) fn push_checksum(list: &mut String, sql: &str) {
    if !list.starts_with(CHECKSUM_TAG) {
        list.clear();
        list.push_str(CHECKSUM_TAG);
    }
    if list.len() > CHECKSUM_TAG.len() {
        list.push(',');
    }
    list.push_str(&format!("{:016x}", statement_checksum(sql)));
}

/// The checksums recorded in `statement_checksums`; `None` when the text
/// is not in the known format.
pub(crate) fn decode_checksums(list: &str) -> Option<Vec<u64>> {
    let body = list.strip_prefix(CHECKSUM_TAG)?;
    if body.is_empty() {
        return Some(Vec::new());
    }
    body.split(',')
        .map(|h| u64::from_str_radix(h, 16).ok())
        .collect()
}

/// The current UTC time as RFC 3339 (`2024-01-02T03:04:05Z`).
pub(crate) fn now_rfc3339() -> String {
    rfc3339(SystemTime::now())
}

/// Formats a time as UTC RFC 3339 with second precision; times before 1970 clamp to the epoch.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> String {
        rfc3339(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn statement_checksums_round_trip() {
        let mut list = String::new();
        assert_eq!(decode_checksums(&encode_checksums([])), Some(vec![]));
        push_checksum(&mut list, "CREATE TABLE a (x)");
        push_checksum(&mut list, "CREATE TABLE b (x)");
        assert_eq!(
            list,
            encode_checksums(["CREATE TABLE a (x)", "CREATE TABLE b (x)"])
        );
        assert_eq!(
            decode_checksums(&list),
            Some(vec![
                statement_checksum("CREATE TABLE a (x)"),
                statement_checksum("CREATE TABLE b (x)")
            ])
        );
        assert_ne!(statement_checksum("a"), statement_checksum("b"));
        assert_eq!(statement_checksum(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(decode_checksums("sha1:00"), None);
        assert_eq!(decode_checksums("fnv1a64:zz"), None);
    }

    #[test]
    fn validates_table_names() {
        for ok in ["migrate_history", "_h", "s.t", "A1"] {
            assert!(HistoryTable::parse(ok).is_ok(), "{ok}");
        }
        let long: &'static str = Box::leak("a".repeat(64).into_boxed_str());
        for bad in ["", "1abc", "a.b.c", ".t", "s.", "a-b", "t\"", "é", long] {
            assert!(HistoryTable::parse(bad).is_err(), "{bad}");
        }
        assert!(HistoryTable::parse(Box::leak("a".repeat(63).into_boxed_str())).is_ok());
    }
}
