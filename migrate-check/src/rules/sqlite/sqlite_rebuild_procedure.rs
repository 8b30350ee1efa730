//! `sqlite-rebuild-procedure`: a table rebuild that strays from the order
//! sqlite.org documents, or a `PRAGMA foreign_keys` that does nothing.

use std::collections::HashSet;

use sqlparser::ast::Statement;

use crate::config::Level;
use crate::model::{ConstraintKind, object};
use crate::rules::{Ctx, Example, Findings, LT, Rule};
use crate::statement::Stmt;

use super::support::{
    REBUILD, dropped_tables, foreign_keys_set, pragma, pragma_on, rebuild_dropping, renamed_table,
};

/// The declaration.
pub static RULE: Rule = Rule {
    id: "sqlite-rebuild-procedure",
    dialects: &[LT],
    default_level: Level::Error,
    versions: &[],
    summary: "a table rebuild that strays from SQLite's documented procedure, or a `PRAGMA foreign_keys` that silently does nothing",
    explanation: "SQLite changes a table's shape by rebuilding it (sqlite.org/lang_altertable.html): copy the rows into a new table, drop the old one, rename the new one. Each step has a trap. `PRAGMA foreign_keys` is a no-op inside a transaction — and the runner wraps every section in one unless it is marked `-- migrate:no-transaction` — so foreign keys stay as the connection has them. With foreign keys on, `DROP TABLE` first deletes every row, which fires ON DELETE CASCADE (emptying the child tables) or fails on the children's rows. Renaming the old table away first (`ALTER TABLE t RENAME TO t_old`, then `CREATE TABLE t`) makes SQLite ≥ 3.26 rewrite the foreign keys, triggers and views that name `t` to name `t_old`, which is then dropped: they dangle. The old table's indexes and triggers are dropped with it and must be created again; and the final `ALTER TABLE new_t RENAME TO t` fails while views or triggers of other tables name `t` (\"error in view v: no such table: main.t\"): drop them before and create them again after, or set `PRAGMA legacy_alter_table = ON` for the rebuild. After foreign keys were off, `PRAGMA foreign_key_check` is the only thing that notices rows the new shape orphans. `PRAGMA foreign_keys = OFF` with no `PRAGMA foreign_keys = ON` after it leaves the connection — which the application may keep using — without foreign keys. `PRAGMA writable_schema` edits the schema text behind SQLite's back and can corrupt the database.",
    lock: "",
    safe_alternative: REBUILD,
    equivalents: "none",
    bad: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
PRAGMA foreign_keys = OFF; -- expect: sqlite-rebuild-procedure
CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');
INSERT INTO new_users (id, email) SELECT id, coalesce(email, '') FROM users;
DROP TABLE users; -- expect: sqlite-rebuild-procedure
ALTER TABLE new_users RENAME TO users;
PRAGMA foreign_keys = ON; -- expect: sqlite-rebuild-procedure
-- migrate:irreversible: the NULL emails are not kept
",
    }],
    good: &[Example {
        dialect: LT,
        text: "-- file: 0001_create_users_and_orders.sql
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE INDEX users_email_idx ON users (email);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);
-- migrate:down
DROP TABLE orders;
DROP TABLE users;
-- file: 0002_users_email_not_null.sql
-- migrate:up
-- migrate:no-transaction
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');
INSERT INTO new_users (id, email) SELECT id, coalesce(email, '') FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
CREATE INDEX users_email_idx ON users (email);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
-- migrate:irreversible: the NULL emails are not kept
",
    }],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    if let Some(on) = foreign_keys_set(stmt) {
        if ctx.in_transaction {
            let why = if ctx.runner_transaction {
                "the runner wraps this section in a transaction (no `-- migrate:no-transaction`)"
            } else {
                "a `BEGIN` earlier in the section is still open"
            };
            let f = out.report(
                format!(
                    "`PRAGMA foreign_keys = {}` inside a transaction does nothing",
                    if on { "ON" } else { "OFF" }
                ),
                "silently ignored: foreign keys stay as the connection has them",
            );
            f.notes.push(format!(
                "{why}; SQLite ignores this pragma until the transaction ends"
            ));
            f.help = Some("put the rebuild in a section marked `-- migrate:no-transaction`: `PRAGMA foreign_keys = OFF;` first, then `BEGIN;` … `PRAGMA foreign_key_check;` `COMMIT;`, then `PRAGMA foreign_keys = ON;`".into());
        } else if !on
            && !ctx.statements[ctx.position + 1..]
                .iter()
                .any(|s| foreign_keys_set(s) == Some(true))
        {
            let f = out.report(
                "`PRAGMA foreign_keys = OFF` is never turned back on in this section",
                "the connection keeps running without foreign keys after the migration",
            );
            f.notes.push("the setting belongs to the connection, not to the migration: the application may go on using it (rusqlite's bundled SQLite, sqlx and most drivers turn foreign keys on)".into());
            f.help = Some("end the section with `PRAGMA foreign_keys = ON;` (after `PRAGMA foreign_key_check;`)".into());
        }
        return;
    }
    if let Some((name, Some(value))) = pragma(stmt)
        && name == "writable_schema"
        && pragma_on(&value)
    {
        out.report(
            "`PRAGMA writable_schema = ON`: editing sqlite_schema by hand",
            "a mistake corrupts the database; SQLite does not check the edited schema",
        );
        return;
    }
    for table in dropped_tables(stmt) {
        if let Some(rebuild) = rebuild_dropping(ctx, &table) {
            check_rebuild(ctx, &rebuild, out);
        }
    }
    if let Some((from, to)) = renamed_table(stmt) {
        check_rename_into_place(ctx, &from, &to, out);
    }
}

/// `ALTER TABLE new_t RENAME TO t` after `t` was dropped: SQLite re-reads the
/// views and triggers that name `t` and refuses the rename while they point
/// at no table (unless `legacy_alter_table` is on).
fn check_rename_into_place(ctx: &Ctx<'_>, from: &str, to: &str, out: &mut Findings) {
    let before = &ctx.statements[..ctx.position];
    let rebuilt = ctx.schema.table(to).is_none()
        && ctx.is_new_table(from)
        && before.iter().any(|s| {
            crate::rules::state::copy_of(s)
                .is_some_and(|(target, sources)| target == from && sources.iter().any(|t| t == to))
        });
    let legacy = before.iter().any(
        |s| matches!(pragma(s), Some((n, Some(v))) if n == "legacy_alter_table" && pragma_on(&v)),
    );
    if !rebuilt || legacy {
        return;
    }
    let mut users: Vec<String> = ctx
        .schema
        .dependents_of(to)
        .filter(|d| d.trigger_on.as_deref() != Some(to))
        .map(|d| match d.trigger_on {
            Some(_) => format!("trigger {}", d.name),
            None => format!("view {}", d.name),
        })
        .collect();
    users.sort();
    let Some(first) = users.first() else { return };
    let f = out.report(
        format!("SQLite refuses to rename `{from}` to `{to}` while {} name the dropped `{to}`: \"error in {first}: no such table: main.{to}\"", users.join(", ")),
        "fails at deploy: the rename re-reads every view and trigger, and these point at no table",
    );
    f.help = Some(format!(
        "drop {} before the rebuild and create them again after the rename (their text is in `SELECT sql FROM sqlite_schema WHERE sql LIKE '%{to}%'`), or run the rebuild with `PRAGMA legacy_alter_table = ON` (and back OFF after it)",
        users.join(", ")
    ));
}

fn check_rebuild(ctx: &Ctx<'_>, rebuild: &super::support::Rebuild, out: &mut Findings) {
    let before = &ctx.statements[..ctx.position];
    let after = &ctx.statements[ctx.position + 1..];
    let old = rebuild.old.as_str();
    // The name the rebuilt table ends with: the new table renamed later, or
    // (renamed-first order) the old table's name before it was renamed away.
    let renamed_away = before
        .iter()
        .filter_map(renamed_table)
        .find(|(_, to)| to == old)
        .map(|(from, _)| from);
    let final_name = after
        .iter()
        .filter_map(renamed_table)
        .find(|(from, _)| *from == rebuild.new)
        .map(|(_, to)| to)
        .or_else(|| renamed_away.clone())
        .unwrap_or_else(|| rebuild.new.clone());
    let rebuilt: HashSet<&str> = [old, rebuild.new.as_str(), final_name.as_str()].into();

    // Renamed-first: SQLite rewrote what referenced the table to the old name.
    let legacy = before.iter().any(
        |s| matches!(pragma(s), Some((n, Some(v))) if n == "legacy_alter_table" && pragma_on(&v)),
    );
    if let Some(original) = &renamed_away
        && !legacy
    {
        let mut dangling: Vec<String> = ctx
            .schema
            .tables_referencing(old)
            .filter(|t| !rebuilt.contains(t))
            .map(|t| format!("the foreign keys of `{t}`"))
            .collect();
        dangling.extend(
            ctx.schema
                .dependents_of(old)
                .filter(|d| d.trigger_on.as_deref() != Some(old))
                .map(|d| match &d.trigger_on {
                    Some(_) => format!("trigger `{}`", d.name),
                    None => format!("view `{}`", d.name),
                }),
        );
        if !dangling.is_empty() {
            let f = out.report(
                format!("`{original}` was renamed to `{old}` before the rebuild: {} now name `{old}`, which this drops", dangling.join(", ")),
                format!("they dangle once `{old}` is gone; code using them fails"),
            );
            f.notes.push(format!("SQLite ≥ 3.26 rewrites every reference to a renamed table (unless `PRAGMA legacy_alter_table = ON`): renaming `{original}` away moved the references to `{old}`"));
            f.help = Some(format!(
                "create the new shape as `new_{original}`, copy, `DROP TABLE {original};` then `ALTER TABLE new_{original} RENAME TO {original};` — references to `{original}` then find the new table"
            ));
        }
    }

    // Foreign keys around the table: are they off, and checked afterwards?
    let referenced: Vec<&str> = ctx
        .schema
        .tables_referencing(old)
        .filter(|t| !rebuilt.contains(t))
        .collect();
    let has_fks = ctx.schema.table(&rebuild.new).is_some_and(|t| {
        t.constraints
            .iter()
            .any(|c| matches!(c.kind, ConstraintKind::ForeignKey { .. }))
    });
    if !referenced.is_empty() || has_fks {
        let off = foreign_keys_off_outside_transaction(ctx);
        if !off && !referenced.is_empty() {
            let f = out.report(
                format!("rebuilding `{old}`, which {} reference, without turning foreign keys off first", referenced.join(", ")),
                "with foreign keys on, DROP TABLE deletes the rows first: ON DELETE CASCADE empties the children, other references make it fail",
            );
            f.notes.push("SQLite leaves foreign keys off unless the connection turns them on — most applications and drivers do (sqlx, Django, Rails); the migration must not depend on it".into());
        } else if off
            && !after
                .iter()
                .chain(before)
                .any(|s| matches!(pragma(s), Some((n, _)) if n == "foreign_key_check"))
        {
            out.report(
                format!("rebuilding `{old}` with foreign keys off, but no `PRAGMA foreign_key_check` before they are turned back on"),
                "rows the new shape orphans go unnoticed",
            );
        }
    }

    // Indexes and triggers of the old table go with it.
    let recreated = |pred: &dyn Fn(&Statement) -> bool| {
        before[rebuild.copy..]
            .iter()
            .chain(after)
            .filter_map(|s| s.ast())
            .any(pred)
    };
    let constraint_names: HashSet<String> = ctx
        .schema
        .table(old)
        .into_iter()
        .flat_map(|t| &t.constraints)
        .filter_map(|c| c.name.clone())
        .collect();
    let mut lost: Vec<String> = Vec::new();
    for i in ctx.schema.indexes_on(old) {
        if constraint_names.contains(&i.name) {
            continue; // built by a PRIMARY KEY or UNIQUE constraint of the table
        }
        let found = recreated(&|s| {
            matches!(s, Statement::CreateIndex(ci)
                if rebuilt.contains(object(&ci.table_name).as_str())
                    && (ci.name.as_ref().is_some_and(|n| object(n) == i.name)
                        || ci.columns.iter().map(|c| c.column.expr.to_string().to_lowercase()).collect::<Vec<_>>() == i.columns))
        });
        if !found {
            lost.push(format!("index `{}`", i.name));
        }
    }
    for d in ctx.schema.dependents_of(old) {
        if d.trigger_on.as_deref() != Some(old) {
            continue;
        }
        let found = recreated(&|s| {
            matches!(s, Statement::CreateTrigger(t)
                if object(&t.name) == d.name || rebuilt.contains(object(&t.table_name).as_str()))
        });
        if !found {
            lost.push(format!("trigger `{}`", d.name));
        }
    }
    if !lost.is_empty() {
        let f = out.report(
            format!(
                "rebuilding `{old}` drops its {} and the section does not create them again on `{final_name}`",
                lost.join(", ")
            ),
            "dropped with the old table: queries slow down, unique indexes stop guarding, triggers stop firing",
        );
        f.help = Some(format!(
            "after `ALTER TABLE … RENAME TO {final_name}`, run the CREATE INDEX and CREATE TRIGGER statements of the old table again (their text is in `SELECT sql FROM sqlite_schema WHERE tbl_name = '{old}'`)"
        ));
    }
}

/// Whether an earlier statement of the section turned foreign keys off
/// while no transaction was open (where the pragma takes effect).
fn foreign_keys_off_outside_transaction(ctx: &Ctx<'_>) -> bool {
    if ctx.runner_transaction {
        return false;
    }
    let mut open = false;
    let mut off = false;
    for s in &ctx.statements[..ctx.position] {
        match s.transaction_control() {
            Some(true) => open = true,
            Some(false) => open = false,
            None => {}
        }
        if !open && let Some(on) = foreign_keys_set(s) {
            off = !on;
        }
    }
    off
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines, two};

    const ID: &str = "sqlite-rebuild-procedure";
    const T: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\nCREATE INDEX users_email_idx ON users (email);\nCREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\nCREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\nCREATE VIEW user_emails AS SELECT email FROM users;";
    const COPY: &str = "CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');\nINSERT INTO new_users (id, email) SELECT id, coalesce(email, '') FROM users;";

    fn no_tx(body: &str) -> String {
        format!("-- migrate:no-transaction\n{body}")
    }

    #[test]
    fn the_documented_order_passes() {
        let up = no_tx(&format!(
            "PRAGMA foreign_keys = OFF;\nBEGIN;\nDROP VIEW user_emails;\n{COPY}\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;\nCREATE INDEX users_email_idx ON users (email);\nCREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\nCREATE VIEW user_emails AS SELECT email FROM users;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;"
        ));
        let r = two("3.35", T, &up);
        assert!(lines(&r, ID).is_empty(), "{}", r.render(false));
    }

    #[test]
    fn pragma_in_a_transaction_and_foreign_keys_left_on() {
        let up = format!(
            "PRAGMA foreign_keys = OFF;\n{COPY}\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;\nCREATE INDEX users_email_idx ON users (email);\nCREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;"
        );
        // …and the view naming `users` stops the rename (line 6).
        assert_eq!(lines(&two("3.35", T, &up), ID), [2, 5, 6]);
    }

    #[test]
    fn missing_check_and_lost_index_and_trigger() {
        let up = no_tx(&format!(
            "PRAGMA foreign_keys = OFF;\nBEGIN;\n{COPY}\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;\nCOMMIT;\nPRAGMA foreign_keys = ON;"
        ));
        let r = two("3.35", T, &up);
        assert_eq!(lines(&r, ID), [7, 7, 8], "{}", r.render(false));
        let shown = r.render(false);
        assert!(
            shown.contains("index `users_email_idx`") && shown.contains("trigger `users_touch`")
        );
    }

    #[test]
    fn renaming_the_old_table_first_leaves_references_dangling() {
        let up = no_tx(
            "PRAGMA foreign_keys = OFF;\nALTER TABLE users RENAME TO users_old;\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '');\nINSERT INTO users (id, email) SELECT id, coalesce(email, '') FROM users_old;\nDROP TABLE users_old;\nCREATE INDEX users_email_idx ON users (email);\nCREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\nPRAGMA foreign_key_check;\nPRAGMA foreign_keys = ON;",
        );
        let r = two("3.35", T, &up);
        assert_eq!(lines(&r, ID), [7], "{}", r.render(false));
        assert!(r.render(false).contains("orders") && r.render(false).contains("user_emails"));
        // With legacy_alter_table the references stay on `users`.
        let up = up.replace(
            "PRAGMA foreign_keys = OFF;",
            "PRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = ON;",
        );
        assert!(lines(&two("3.35", T, &up), ID).is_empty());
    }

    #[test]
    fn views_and_triggers_naming_the_table_stop_the_rename() {
        let t = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\nCREATE VIEW user_emails AS SELECT email FROM users;";
        let up = no_tx(&format!(
            "BEGIN;\n{COPY}\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;\nCOMMIT;"
        ));
        assert_eq!(lines(&two("3.35", t, &up), ID), [7]);
        let up = no_tx(&format!(
            "BEGIN;\nDROP VIEW user_emails;\n{COPY}\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;\nCREATE VIEW user_emails AS SELECT email FROM users;\nCOMMIT;"
        ));
        assert!(lines(&two("3.35", t, &up), ID).is_empty());
        let up = no_tx(&format!(
            "PRAGMA legacy_alter_table = ON;\nBEGIN;\n{COPY}\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;\nCOMMIT;\nPRAGMA legacy_alter_table = OFF;"
        ));
        assert!(lines(&two("3.35", t, &up), ID).is_empty());
    }

    #[test]
    fn foreign_keys_left_off() {
        let up = no_tx("PRAGMA foreign_keys = OFF;\nUPDATE users SET email = lower(email);");
        assert_eq!(lines(&two("3.35", T, &up), ID), [3]);
    }

    #[test]
    fn writable_schema_is_reported() {
        assert_eq!(
            lines(&two("3.35", T, "PRAGMA writable_schema = 1;"), ID),
            [2]
        );
    }
}
