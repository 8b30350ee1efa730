//! Transaction-level rules: what a section holds, for how long, and whether it commits.
use crate::rules::Rule;

pub mod backfill_in_one_transaction;
pub mod dml_in_ddl_transaction;
pub mod multiple_alter_same_table;
mod plpgsql;
pub mod prefer_robust_stmts;
pub mod require_lock_timeout;
pub mod require_statement_timeout;
mod session;
pub mod statements_after_access_exclusive;
pub mod transaction_nesting;
pub mod uncommitted_transaction;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[
    &transaction_nesting::RULE,
    &uncommitted_transaction::RULE,
    &statements_after_access_exclusive::RULE,
    &dml_in_ddl_transaction::RULE,
    &backfill_in_one_transaction::RULE,
    &multiple_alter_same_table::RULE,
    &require_lock_timeout::RULE,
    &require_statement_timeout::RULE,
    &prefer_robust_stmts::RULE,
];

/// Test helper: checks PostgreSQL migration files at a server version and
/// returns `(rule, file, line)` of every diagnostic of `rule`.
#[cfg(test)]
pub(crate) fn findings(files: &[(&str, &str)], version: &str, rule: &str) -> Vec<(String, u32)> {
    let entries = files
        .iter()
        .map(|(rel_path, text)| crate::FileEntry {
            rel_path: rel_path.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let report = crate::check(crate::Input {
        entries,
        display_dir: String::new(),
        config: crate::Config {
            dialect: crate::Dialect::Postgres,
            postgres_version: version.parse().unwrap(),
            ..Default::default()
        },
        config_source: None,
    });
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| (report.files[d.file].rel_path.clone(), d.line))
        .collect()
}

/// Test helper: the lines where `rule` reports on a second migration whose
/// up section is `up` (after [`ORDERS`]), in a transaction or not.
#[cfg(test)]
pub(crate) fn up_lines(rule: &str, up: &str, no_tx: bool) -> Vec<u32> {
    let marker = if no_tx {
        "-- migrate:no-transaction\n"
    } else {
        ""
    };
    let text = format!("-- migrate:up\n{marker}{up}\n-- migrate:irreversible: test\n");
    findings(&[ORDERS, ("0002_x.sql", &text)], "15", rule)
        .into_iter()
        .map(|(_, l)| l)
        .collect()
}

/// Test helper: a first migration creating `orders` (existing from then on).
#[cfg(test)]
pub(crate) const ORDERS: (&str, &str) = (
    "0001_orders.sql",
    "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);\n-- migrate:down\nDROP TABLE orders;\n",
);
