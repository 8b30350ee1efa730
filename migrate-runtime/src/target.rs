//! Target versions given to [`Migrator::run_to`](crate::Migrator::run_to) and friends.

use std::fmt;

use crate::migration::{Migration, Version, compare_parts};
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
}

impl Target {
    /// The target as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its numeric components, or `None` when the text is not a version.
    pub fn parts(&self) -> Option<&[u64]> {
        self.parts.as_deref()
    }

    /// Whether `version` is the version this target names.
    pub fn matches(&self, version: &Version) -> bool {
        self.parts
            .as_deref()
            .is_some_and(|p| compare_parts(p, version.parts) == Ordering::Equal)
    }

    /// Whether the target is zero (`0`, `"0"`, `"0.0"`): before every migration.
    pub fn is_zero(&self) -> bool {
        self.parts
            .as_deref()
            .is_some_and(|p| p.iter().all(|&n| n == 0))
    }

    /// The migration of `migrations` this target names.
    pub(crate) fn find(&self, migrations: &'static [Migration]) -> Option<&'static Migration> {
        migrations.iter().find(|m| self.matches(&m.version))
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
        }
    }
}

impl From<String> for Target {
    fn from(text: String) -> Self {
        Target {
            parts: parse_parts(&text),
            text,
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
        }
    }
}

impl From<Version> for Target {
    fn from(v: Version) -> Self {
        Target {
            text: v.text.to_owned(),
            parts: Some(v.parts.to_vec()),
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
