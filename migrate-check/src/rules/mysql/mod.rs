//! MySQL and MariaDB rules: the online-DDL traps (COPY, rebuilds, blocking
//! `LOCK=` clauses, implicit commits) that no other dialect has. They ask
//! [`crate::mysql_ddl`] what each `ALTER` costs on the configured server.
use crate::rules::Rule;

pub mod add_column_expression_default;
pub mod add_column_not_last;
pub mod algorithm_copy;
pub mod change_engine;
pub mod enum_set_change_copies;
pub mod fulltext_or_spatial_index;
pub mod inline_references_ignored;
pub mod lock_shared_or_exclusive;
pub mod modify_nullability;
pub mod modify_primary_key;
pub(crate) mod non_transactional_ddl_batch;
pub mod partitioning_change;
pub mod require_algorithm_assertion;
pub(crate) mod support;
pub mod table_rebuild;
pub mod varchar_length_class_change;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &inline_references_ignored::RULE,
    &algorithm_copy::RULE,
    &lock_shared_or_exclusive::RULE,
    &require_algorithm_assertion::RULE,
    &add_column_expression_default::RULE,
    &add_column_not_last::RULE,
    &enum_set_change_copies::RULE,
    &modify_primary_key::RULE,
    &change_engine::RULE,
    &partitioning_change::RULE,
    &fulltext_or_spatial_index::RULE,
    &table_rebuild::RULE,
    &modify_nullability::RULE,
    &varchar_length_class_change::RULE,
    &non_transactional_ddl_batch::RULE,
];

#[cfg(test)]
mod tests {
    use crate::{Config, Dialect, FileEntry, Input, Report, Severity, check};

    const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL, note varchar(50)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;";

    /// Migration 1 creates `setup`, migration 2 runs `up` (down: SELECT 1).
    fn run(toml: &str, setup: &str, up: &str) -> Report {
        let mut config = Config::from_toml(toml).unwrap();
        config.dialect = Dialect::MySql;
        let file = |n: &str, up: &str| FileEntry {
            rel_path: n.into(),
            bytes: format!("-- migrate:up\n{up}\n-- migrate:down\nSELECT 1;\n").into_bytes(),
        };
        check(Input {
            entries: vec![file("0001_a.sql", setup), file("0002_b.sql", up)],
            display_dir: String::new(),
            config,
            config_source: None,
        })
    }

    fn hits(r: &Report, rule: &str) -> Vec<(String, u32, Severity)> {
        r.diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| (r.files[d.file].rel_path.clone(), d.line, d.severity))
            .collect()
    }

    #[test]
    fn column_position_follows_the_target_version() {
        let up = "ALTER TABLE orders ADD COLUMN c int AFTER id;";
        for (toml, fires) in [
            ("", true),
            ("mysql_version = \"8.0.28\"", true),
            ("mysql_version = \"8.0.29\"", false),
            ("mariadb_version = \"10.3\"", true),
            ("mariadb_version = \"10.4\"", false),
        ] {
            let r = run(toml, ORDERS, up);
            assert_eq!(!hits(&r, "add-column-not-last").is_empty(), fires, "{toml}");
        }
    }

    #[test]
    fn inline_references_follow_the_flavor() {
        let setup = "CREATE TABLE customers (id bigint PRIMARY KEY);";
        let up = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));";
        for (toml, fires) in [
            ("", true),
            ("mariadb_version = \"10.4\"", true),
            ("mariadb_version = \"10.5\"", false),
        ] {
            let r = run(toml, setup, up);
            assert_eq!(
                !hits(&r, "inline-references-ignored").is_empty(),
                fires,
                "{toml}"
            );
        }
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders ADD COLUMN c bigint REFERENCES orders (id);",
        );
        assert_eq!(hits(&r, "inline-references-ignored").len(), 1);
    }

    #[test]
    fn tables_created_in_the_same_migration_are_exempt() {
        let up = "CREATE TABLE t (id bigint PRIMARY KEY, note varchar(50), body text) ENGINE=InnoDB;\n\
                  ALTER TABLE t MODIFY note varchar(100) NOT NULL, ADD COLUMN a int FIRST, ADD FULLTEXT INDEX f (body), ALGORITHM=COPY, LOCK=SHARED;\n\
                  ALTER TABLE t ENGINE=InnoDB, ROW_FORMAT=DYNAMIC;";
        let r = run("", ORDERS, up);
        let errors: Vec<_> = r.errors().map(|d| d.rule).collect();
        assert!(errors.is_empty(), "{}", r.render(false));
    }

    #[test]
    fn ddl_batches_are_errors_only_when_they_change_what_existed() {
        let r = run(
            "",
            ORDERS,
            "CREATE TABLE a (id int);\nCREATE TABLE b (id int);",
        );
        assert_eq!(
            hits(&r, "non-transactional-ddl-batch"),
            [("0002_b.sql".into(), 2, Severity::Warning)]
        );
        let r = run(
            "",
            ORDERS,
            "CREATE TABLE a (id int);\nDROP INDEX x ON orders;",
        );
        assert_eq!(
            hits(&r, "non-transactional-ddl-batch"),
            [("0002_b.sql".into(), 2, Severity::Error)]
        );
        // Guarded everywhere: re-runnable, a warning.
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders ADD COLUMN IF NOT EXISTS c int;\nCREATE INDEX IF NOT EXISTS oc ON orders (c);",
        );
        assert_eq!(
            hits(&r, "non-transactional-ddl-batch"),
            [("0002_b.sql".into(), 2, Severity::Warning)]
        );
        // DML and SET statements are not DDL; one DDL is atomic enough.
        let r = run(
            "",
            ORDERS,
            "SET SESSION lock_wait_timeout = 5;\nALTER TABLE orders ADD COLUMN c int;\nUPDATE orders SET c = 1 WHERE id < 100;",
        );
        assert!(hits(&r, "non-transactional-ddl-batch").is_empty());
    }

    #[test]
    fn varchar_classes_use_the_table_charset() {
        let latin = "CREATE TABLE t (id int PRIMARY KEY, s varchar(100)) DEFAULT CHARSET=latin1;";
        let r = run("", latin, "ALTER TABLE t MODIFY s varchar(200);");
        assert!(hits(&r, "varchar-length-class-change").is_empty());
        let r = run("", latin, "ALTER TABLE t MODIFY s varchar(300);");
        assert_eq!(hits(&r, "varchar-length-class-change").len(), 1);
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders MODIFY status varchar(60) NOT NULL;",
        );
        assert!(hits(&r, "varchar-length-class-change").is_empty());
        assert!(hits(&r, "change-column-type").is_empty());
    }

    #[test]
    fn assertions_and_copies_are_told_apart() {
        let r = run("", ORDERS, "ALTER TABLE orders ADD INDEX s (status);");
        assert_eq!(hits(&r, "require-algorithm-assertion").len(), 1);
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders ADD INDEX s (status), ALGORITHM=INPLACE, LOCK=NONE;",
        );
        assert!(hits(&r, "require-algorithm-assertion").is_empty());
        // A copying change has its own rule; no assertion advice on top.
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders MODIFY status bigint NOT NULL;",
        );
        assert!(hits(&r, "require-algorithm-assertion").is_empty());
        assert_eq!(hits(&r, "change-column-type").len(), 1);
    }

    #[test]
    fn renames_through_change_and_rename_table() {
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders CHANGE note remark varchar(50);",
        );
        assert_eq!(hits(&r, "rename-column").len(), 1);
        let r = run(
            "",
            ORDERS,
            "ALTER TABLE orders CHANGE note note varchar(50) COMMENT 'x';",
        );
        assert!(hits(&r, "rename-column").is_empty());
        let r = run("", ORDERS, "RENAME TABLE orders TO purchases;");
        assert_eq!(hits(&r, "rename-table").len(), 1);
    }

    #[test]
    fn table_options_are_judged() {
        for (up, rule) in [
            ("ALTER TABLE orders ENGINE=InnoDB;", "change-engine"),
            (
                "ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4;",
                "table-rebuild",
            ),
            (
                "ALTER TABLE orders ADD COLUMN c int, ROW_FORMAT=COMPRESSED;",
                "table-rebuild",
            ),
            ("ALTER TABLE orders FORCE;", "table-rebuild"),
            ("OPTIMIZE TABLE orders;", "table-rebuild"),
            (
                "ALTER TABLE orders PARTITION BY HASH (id) PARTITIONS 4;",
                "partitioning-change",
            ),
            (
                "CREATE FULLTEXT INDEX f ON orders (note);",
                "fulltext-or-spatial-index",
            ),
            (
                "ALTER TABLE orders MODIFY note varchar(50) AFTER id;",
                "table-rebuild",
            ),
        ] {
            let r = run("", ORDERS, up);
            assert_eq!(hits(&r, rule).len(), 1, "{up}: {}", r.render(false));
        }
        for up in [
            "ALTER TABLE orders COMMENT = 'orders';",
            "ALTER TABLE orders RENAME INDEX a TO b;",
            "ALTER TABLE orders DEFAULT CHARSET = utf8mb4;",
        ] {
            let r = run("", ORDERS, up);
            assert!(!r.has_errors(), "{up}: {}", r.render(false));
        }
    }
}
