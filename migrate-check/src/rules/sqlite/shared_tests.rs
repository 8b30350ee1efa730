//! The SQLite branches of rules shared with other dialects.

use super::support::testing::{lines, run, two};

const USERS: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, legacy TEXT);\nCREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER CONSTRAINT orders_user_fk REFERENCES users (id), note TEXT);";

fn rebuild_orders(new_columns: &str, select: &str) -> String {
    format!(
        "-- migrate:no-transaction\nPRAGMA foreign_keys = OFF;\nBEGIN;\nCREATE TABLE new_orders ({new_columns});\nINSERT INTO new_orders SELECT {select} FROM orders;\nDROP TABLE orders;\nALTER TABLE new_orders RENAME TO orders;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;"
    )
}

#[test]
fn a_rebuild_that_leaves_a_column_out_drops_it() {
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id)",
        "id, user_id",
    );
    assert_eq!(lines(&two("3.35", USERS, &up), "drop-column"), [7]);
    // Copied under another name, or everything copied: nothing lost.
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), memo TEXT",
        "id, user_id, note",
    );
    assert!(lines(&two("3.35", USERS, &up), "drop-column").is_empty());
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), memo TEXT",
        "*",
    );
    assert!(lines(&two("3.35", USERS, &up), "drop-column").is_empty());
    // A `*` in an expression is not `SELECT *`: `note` is still left out.
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id)",
        "id, user_id * 1",
    );
    assert_eq!(lines(&two("3.35", USERS, &up), "drop-column"), [7]);
}

#[test]
fn a_rebuild_that_leaves_a_foreign_key_out_drops_it() {
    let up = rebuild_orders("id INTEGER PRIMARY KEY, user_id INTEGER, note TEXT", "*");
    assert_eq!(lines(&two("3.35", USERS, &up), "drop-foreign-key"), [7]);
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id) ON DELETE CASCADE, note TEXT",
        "*",
    );
    assert!(lines(&two("3.35", USERS, &up), "drop-foreign-key").is_empty());
}

#[test]
fn drop_constraint_of_a_foreign_key_from_sqlite_3_53() {
    let up = "ALTER TABLE orders DROP CONSTRAINT orders_user_fk;";
    assert_eq!(lines(&two("3.53", USERS, up), "drop-foreign-key"), [2]);
    // Before 3.53 the statement is a syntax error: that rule, not this one.
    let r = two("3.35", USERS, up);
    assert!(lines(&r, "drop-foreign-key").is_empty());
    assert_eq!(lines(&r, "sqlite-unsupported-alter"), [2]);
}

#[test]
fn renaming_away_a_table_that_is_created_again_is_the_rebuild() {
    let up = "-- migrate:no-transaction\nPRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = ON;\nALTER TABLE users RENAME TO users_old;\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '', legacy TEXT);\nINSERT INTO users SELECT id, coalesce(email, ''), legacy FROM users_old;\nDROP TABLE users_old;\nPRAGMA foreign_key_check;\nPRAGMA foreign_keys = ON;";
    let r = two("3.35", USERS, up);
    assert!(lines(&r, "rename-table").is_empty(), "{}", r.render(false));
    assert!(lines(&r, "drop-table").is_empty());
    // A view does not keep old code working in SQLite: views are read-only.
    let up = "ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;";
    assert_eq!(lines(&two("3.35", USERS, up), "rename-table"), [2]);
}

#[test]
fn backfill_after_ddl_holds_the_database_write_lock() {
    let up = "ALTER TABLE users ADD COLUMN name TEXT;\nUPDATE users SET name = email;";
    let r = two("3.35", USERS, up);
    assert_eq!(lines(&r, "dml-in-ddl-transaction"), [3]);
    assert!(r.render(false).contains("write lock"));
    let up = "-- migrate:no-transaction\nALTER TABLE users ADD COLUMN name TEXT;\nUPDATE users SET name = email;";
    assert!(lines(&two("3.35", USERS, up), "dml-in-ddl-transaction").is_empty());
}

#[test]
fn nested_transactions_are_errors_sqlite_raises() {
    let r = two(
        "3.35",
        USERS,
        "BEGIN;\nUPDATE users SET email = lower(email);\nCOMMIT;",
    );
    assert_eq!(lines(&r, "transaction-nesting"), [2, 4]);
    assert!(
        r.render(false)
            .contains("cannot start a transaction within a transaction")
    );
    let r = two(
        "3.35",
        USERS,
        "-- migrate:no-transaction\nUPDATE users SET email = lower(email);\nCOMMIT;",
    );
    assert_eq!(lines(&r, "transaction-nesting"), [4]);
}

#[test]
fn stored_generated_column_and_required_column_teach_the_sqlite_way() {
    let r = two(
        "3.35",
        USERS,
        "ALTER TABLE users ADD COLUMN e TEXT GENERATED ALWAYS AS (lower(email)) STORED;\nALTER TABLE users ADD COLUMN n INTEGER NOT NULL;",
    );
    assert_eq!(lines(&r, "add-stored-generated-column"), [2]);
    assert_eq!(lines(&r, "add-required-column"), [3]);
    let shown = r.render(false);
    assert!(shown.contains("VIRTUAL") && shown.contains("NOT NULL DEFAULT <constant>"));
    assert!(shown.contains("cannot add a STORED column"), "{shown}");
}

#[test]
fn duplicate_assignments_say_what_sqlite_does() {
    let r = run(
        "3.35",
        &[(
            "0001_t.sql",
            "-- migrate:up\nCREATE TABLE t (a INTEGER, a INTEGER);\nUPDATE t SET a = 1, a = 2;\n-- migrate:irreversible: test\n",
        )],
    );
    let shown = r.render(false);
    assert!(
        shown.contains("duplicate column name: a") && shown.contains("keeps the last one"),
        "{shown}"
    );
}

#[test]
fn a_rebuild_copy_into_a_new_unique_key_may_fail_on_data() {
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), note TEXT UNIQUE",
        "*",
    );
    let r = two("3.35", USERS, &up);
    assert_eq!(lines(&r, "unique-may-fail-on-data"), [6]);
    // The primary key was unique before too; ADD UNIQUE is another rule's.
    let up = rebuild_orders(
        "id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), note TEXT",
        "*",
    );
    assert!(lines(&two("3.35", USERS, &up), "unique-may-fail-on-data").is_empty());
    let r = two(
        "3.35",
        USERS,
        "ALTER TABLE users ADD CONSTRAINT k UNIQUE (email);",
    );
    assert!(lines(&r, "unique-may-fail-on-data").is_empty());
    assert_eq!(lines(&r, "sqlite-unsupported-alter"), [2]);
}
