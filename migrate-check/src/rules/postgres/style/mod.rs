//! Style and hygiene: types and names that cause trouble later. All are
//! warnings (`require-table-schema` is off unless enabled), judged on what a
//! migration introduces (CREATE TABLE, ADD COLUMN, ALTER COLUMN … TYPE, new
//! names), not on what already exists. `missing-down-migration` of the
//! master table is the structural rule `missing-down`.
use crate::rules::Rule;

pub mod ban_char_field;
pub mod column_alignment;
pub mod duplicate_column_assignments;
pub mod identifier_too_long;
mod integers;
mod introduced;
pub mod prefer_bigint_over_int;
pub mod prefer_bigint_over_smallint;
pub mod prefer_identity;
pub mod prefer_text_field;
pub mod prefer_timestamptz;
pub mod require_table_schema;
mod types;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &prefer_bigint_over_int::RULE,
    &prefer_bigint_over_smallint::RULE,
    &prefer_identity::RULE,
    &prefer_text_field::RULE,
    &prefer_timestamptz::RULE,
    &ban_char_field::RULE,
    &identifier_too_long::RULE,
    &require_table_schema::RULE,
    &duplicate_column_assignments::RULE,
    &column_alignment::RULE,
];

#[cfg(test)]
pub(super) mod test_support {
    //! Running migrations through the whole pipeline, for the rules' tests.

    use crate::config::{Dialect, Level};
    use crate::rules::tests::example_files;
    use crate::{Config, FileEntry, Input, Report, check::check_with_syntax as check};

    /// Checks files (name, text) on PostgreSQL `version`, with `enable`d
    /// rules raised to warnings (for opt-in ones).
    pub fn run_with(files: &[(&str, &str)], version: &str, enable: &[&str]) -> Report {
        let entries = files
            .iter()
            .map(|(name, text)| FileEntry {
                rel_path: name.to_string(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        let mut config = Config {
            dialect: Dialect::Postgres,
            postgres_version: version.parse().unwrap(),
            ..Default::default()
        };
        for id in enable {
            config.rule_levels.insert(id.to_string(), Level::Warn);
        }
        check(Input {
            entries,
            display_dir: String::new(),
            config,
            config_source: None,
        })
    }

    /// Checks files on PostgreSQL `version`.
    pub fn run(files: &[(&str, &str)], version: &str) -> Report {
        run_with(files, version, &[])
    }

    /// One migration file, up and down.
    pub fn migration(up: &str, down: &str) -> String {
        format!("-- migrate:up\n{up}\n-- migrate:down\n{down}\n")
    }

    /// The (file, line) of every diagnostic of `rule`.
    pub fn hits(report: &Report, rule: &str) -> Vec<(String, u32)> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| (report.files[d.file].rel_path.clone(), d.line))
            .collect()
    }

    /// Checks an example text (`-- file:` sections) with `rule` enabled.
    pub fn run_example(text: &str, rule: &str) -> (Report, Vec<(String, u32, String)>) {
        let (entries, marks) = example_files(text);
        let files: Vec<(String, String)> = entries
            .into_iter()
            .map(|e| (e.rel_path, String::from_utf8(e.bytes).unwrap()))
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        (run_with(&refs, "15", &[rule]), marks)
    }
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use super::test_support::{hits, run_example};

    /// The group's examples, with opt-in rules enabled: each bad example
    /// reports its rule exactly at the marked lines; each good example
    /// reports nothing of the group.
    #[test]
    fn examples_behave_with_opt_in_rules_enabled() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        // The examples of other dialects are run by `rules::tests`.
        let pg = |ex: &&crate::rules::Example| ex.dialect == crate::config::Dialect::Postgres;
        for rule in RULES {
            for ex in rule.bad.iter().filter(pg) {
                let (report, marks) = run_example(ex.text, rule.id);
                let mut expected: Vec<(String, u32)> =
                    marks.into_iter().map(|(f, l, _)| (f, l)).collect();
                expected.sort();
                let mut got = hits(&report, rule.id);
                got.sort();
                assert_eq!(got, expected, "{}:\n{}", rule.id, report.render(false));
            }
            for ex in rule.good.iter().filter(pg) {
                let (report, _) = run_example(ex.text, rule.id);
                let own: Vec<_> = report
                    .diagnostics
                    .iter()
                    .filter(|d| ids.contains(&d.rule))
                    .collect();
                assert!(
                    own.is_empty(),
                    "{} good:\n{}",
                    rule.id,
                    report.render(false)
                );
            }
        }
    }
}
