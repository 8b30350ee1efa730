//! Constraints, foreign keys, domains, enums and destructive schema changes.
use crate::rules::Rule;

mod helpers;

pub mod add_check_constraint;
pub mod add_foreign_key;
pub mod create_enum;
pub mod domain_with_constraint;
pub mod drop_and_recreate_table;
pub mod drop_foreign_key;
pub mod drop_schema_or_database;
pub mod enum_add_value_in_transaction;
pub mod enum_add_value_unordered;
pub mod fk_without_index;
pub mod rename_enum_value;
pub mod rename_schema;
pub mod truncate_cascade;
pub mod validate_in_same_transaction;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &add_check_constraint::RULE,
    &add_foreign_key::RULE,
    &validate_in_same_transaction::RULE,
    &fk_without_index::RULE,
    &drop_foreign_key::RULE,
    &domain_with_constraint::RULE,
    &drop_schema_or_database::RULE,
    &drop_and_recreate_table::RULE,
    &truncate_cascade::RULE,
    &enum_add_value_unordered::RULE,
    &enum_add_value_in_transaction::RULE,
    &create_enum::RULE,
    &rename_enum_value::RULE,
    &rename_schema::RULE,
];

/// What the unit tests of this group share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::{Config, Dialect, FileEntry, Input, Report, check::check_with_syntax as check};

    /// Checks migrations, given as (file name, text), for PostgreSQL `version`.
    pub fn lint(version: &str, files: &[(&str, &str)]) -> Report {
        check(Input {
            entries: files
                .iter()
                .map(|(name, text)| FileEntry {
                    rel_path: name.to_string(),
                    bytes: text.as_bytes().to_vec(),
                })
                .collect(),
            display_dir: String::new(),
            config: Config {
                dialect: Dialect::Postgres,
                postgres_version: version.parse().unwrap(),
                ..Default::default()
            },
            config_source: None,
        })
    }

    /// Where `rule` reported: (file, line), in order.
    pub fn hits(report: &Report, rule: &str) -> Vec<(String, u32)> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| (report.files[d.file].rel_path.clone(), d.line))
            .collect()
    }

    /// The messages `rule` reported, in order.
    pub fn messages(report: &Report, rule: &str) -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| d.message.clone())
            .collect()
    }

    /// A migration file with both sections.
    pub fn migration(up: &str, down: &str) -> String {
        format!("-- migrate:up\n{up}\n-- migrate:down\n{down}\n")
    }

    /// A first migration creating `users` and `orders` (with an index on
    /// `orders.user_id`), so that later ones work on existing tables.
    pub const SETUP: (&str, &str) = (
        "0001_setup.sql",
        "-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount numeric, status text);
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
",
    );
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use super::testing::{SETUP, hits, lint, migration};
    use crate::rules::tests::example_files;
    use crate::{Config, Input, check};

    #[test]
    fn good_examples_do_not_report_their_own_rule_even_as_a_warning() {
        for rule in RULES {
            for ex in rule.good {
                let (entries, _) = example_files(ex.text);
                let report = check(Input {
                    entries,
                    display_dir: String::new(),
                    config: Config {
                        dialect: ex.dialect,
                        ..Config::default()
                    },
                    config_source: None,
                });
                assert!(
                    hits(&report, rule.id).is_empty(),
                    "{}:\n{}",
                    rule.id,
                    report.render(false)
                );
            }
        }
    }

    #[test]
    fn other_constraint_statements_are_left_alone() {
        // squawk#171: `ALTER CONSTRAINT … DEFERRABLE` crashed an older parser.
        for stmt in [
            "ALTER TABLE orders ALTER CONSTRAINT c DEFERRABLE;",
            "ALTER TABLE orders RENAME CONSTRAINT a TO b;",
            "ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX orders_user_id_idx;",
            "ALTER TABLE orders DROP CONSTRAINT IF EXISTS nothing_known;",
            "ALTER TYPE mood RENAME TO feeling;",
            "ALTER SCHEMA s OWNER TO app;",
            "DROP TYPE IF EXISTS mood;",
            "DROP DOMAIN IF EXISTS d;",
            "TRUNCATE orders;",
        ] {
            let m = migration(stmt, "SELECT 1;");
            let r = lint("11", &[SETUP, ("0002_x.sql", &m)]);
            for rule in RULES {
                assert!(hits(&r, rule.id).is_empty(), "{stmt}: {}", rule.id);
            }
        }
    }
}
