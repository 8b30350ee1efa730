//! Target versions given to [`Migrator::run_to`](crate::Migrator::run_to) and friends.

use std::fmt;

use crate::migration::{Migration, Migrations, Version, compare_parts};
use std::cmp::Ordering;

/// A version named by the caller: a number (`3`, `20240101120000`) or text
/// (`"0003"`, `"1.2.10"`, `"2017-09-26-200549"`).
///
/// Text is split on `.` and `_` into numbers and compared numerically, like
/// [`Version`], so `"0003"`, `"3"` and `3` name the same migration. Dashes
/// join: diesel's `2017-09-26-200549` is the one number 20170926200549, as
/// the checker reads a diesel directory's version and as diesel records it.
///
/// ```
/// use migrate_runtime::Target;
/// assert_eq!(Target::from("0003").parts(), Some(&[3][..]));
/// assert_eq!(Target::from(20240101120000u64).parts(), Some(&[20240101120000][..]));
/// assert_eq!(Target::from("2017-09-26-200549").parts(), Some(&[20170926200549][..]));
/// assert_eq!(Target::from("v1").parts(), None); // rejected when used
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    text: String,
    parts: Option<Vec<u64>>,
    /// Before every migration, whatever their versions: not a version.
    start: bool,
}

impl Target {
    /// Before every migration: rolling back to it rolls back everything,
    /// even a migration whose version is `0` (which the target `0` names).
    ///
    /// ```
    /// use migrate_runtime::Target;
    /// assert!(Target::start().is_zero());
    /// assert_ne!(Target::start(), Target::from(0u64));
    /// ```
    pub fn start() -> Self {
        Target {
            text: "0".to_owned(),
            parts: Some(Vec::new()),
            start: true,
        }
    }

    /// Whether this is [`Target::start`].
    pub fn is_start(&self) -> bool {
        self.start
    }

    /// The target as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its numeric components, or `None` when the text is not a version.
    pub fn parts(&self) -> Option<&[u64]> {
        self.parts.as_deref()
    }

    /// Whether `version` is the version this target names: the same text,
    /// or the same number (in a table ordered as numbers).
    pub fn matches(&self, version: &Version) -> bool {
        !self.start
            && (self.text == version.text
                || self
                    .parts
                    .as_deref()
                    .is_some_and(|p| compare_parts(p, version.parts) == Ordering::Equal))
    }

    /// Whether the target is zero (`0`, `"0"`, `"0.0"`): before every
    /// migration, unless a migration has version `0` (then it names that
    /// one), or [`Target::start`].
    pub fn is_zero(&self) -> bool {
        self.start
            || self
                .parts
                .as_deref()
                .is_some_and(|p| p.iter().all(|&n| n == 0))
    }

    /// The migration of `migrations` this target names, in their order:
    /// its text, or the migration whose key it has.
    pub(crate) fn find(&self, migrations: &'static Migrations) -> Option<&'static Migration> {
        if self.start {
            return None;
        }
        let key = migrations.key_of(&self.text)?;
        migrations
            .migrations()
            .iter()
            .find(|m| m.version.text == self.text)
            .or_else(|| {
                migrations
                    .migrations()
                    .iter()
                    .find(|m| compare_parts(m.version.parts, &key) == Ordering::Equal)
            })
    }
}

/// Splits a version text on `.` and `_` into numbers, dashes removed (diesel's
/// `2017-09-26-200549` is one number, as `migrate-check` reads it); `None` if
/// any part is empty, starts with a dash, or is not a decimal number that
/// fits in `u64`.
pub(crate) fn parse_parts(text: &str) -> Option<Vec<u64>> {
    text.split(['.', '_'])
        .map(|part| {
            let digits: String = part.chars().filter(|&c| c != '-').collect();
            if digits.is_empty()
                || part.starts_with('-')
                || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                None
            } else {
                digits.parse().ok()
            }
        })
        .collect()
}

impl From<&str> for Target {
    fn from(text: &str) -> Self {
        Target {
            parts: parse_parts(text),
            text: text.to_owned(),
            start: false,
        }
    }
}

impl From<String> for Target {
    fn from(text: String) -> Self {
        Target {
            parts: parse_parts(&text),
            text,
            start: false,
        }
    }
}

impl From<&String> for Target {
    fn from(text: &String) -> Self {
        Target::from(text.as_str())
    }
}

impl From<u64> for Target {
    fn from(n: u64) -> Self {
        Target {
            text: n.to_string(),
            parts: Some(vec![n]),
            start: false,
        }
    }
}

impl From<Version> for Target {
    fn from(v: Version) -> Self {
        Target {
            text: v.text.to_owned(),
            parts: parse_parts(v.text).or_else(|| Some(v.parts.to_vec())),
            start: false,
        }
    }
}

impl From<&Migration> for Target {
    fn from(m: &Migration) -> Self {
        Target::from(m.version)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_layouts() {
        assert_eq!(parse_parts("1.2.10"), Some(vec![1, 2, 10]));
        // As migrate-check reads a diesel directory and diesel records it.
        assert_eq!(parse_parts("2017-09-26-200549"), Some(vec![20170926200549]));
        assert_eq!(parse_parts("-1"), None);
        assert_eq!(parse_parts("1_2"), Some(vec![1, 2]));
        assert_eq!(parse_parts(""), None);
        assert_eq!(parse_parts("1..2"), None);
        assert_eq!(parse_parts("1a"), None);
        assert_eq!(parse_parts("+1"), None);
        assert_eq!(parse_parts("99999999999999999999999"), None);
    }

    #[test]
    fn matches_numerically() {
        let v = Version::new("1.10", &[1, 10]);
        assert!(Target::from("1.10").matches(&v));
        assert!(Target::from("1.10.0").matches(&v));
        assert!(!Target::from("1.1").matches(&v));
        assert!(Target::from(0u64).is_zero());
        assert!(!Target::from("x").is_zero());
    }
}
