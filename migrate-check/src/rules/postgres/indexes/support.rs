//! What the index rules share: version constants, reading `ALTER TABLE`,
//! the columns a constraint or index covers, what the model knows about
//! them, and test helpers.

use sqlparser::ast::{Expr, IndexColumn, Statement};

use crate::model::{ConstraintKind, ident, object};
use crate::rules::Ctx;

pub(super) use super::super::support::{
    PG12, PG14, PG14_4, PG19, alter_table, ident_span, proven_not_null,
};

/// The key columns of an index or constraint, normalized as the model
/// stores index columns (expression text, lower case).
pub(super) fn key_columns(cols: &[IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) => ident(i),
            e => e.to_string().to_lowercase(),
        })
        .collect()
}

/// A relation the statements before this one (in this section) created as a
/// materialized view: the model tracks tables only, and indexing a view
/// nobody has read yet blocks nobody.
pub(super) fn is_new_materialized_view(ctx: &Ctx<'_>, name: &str) -> bool {
    ctx.statements[..ctx.position].iter().any(|s| {
        matches!(s.ast(), Some(Statement::CreateView(v)) if v.materialized && object(&v.name) == name)
    })
}

/// The unique keys the table already has (constraints and unique indexes),
/// as column lists. Any of them whose columns are a subset of a new key
/// proves the new key unique already.
pub(super) fn unique_keys(ctx: &Ctx<'_>, table: &str) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = ctx
        .schema
        .table(table)
        .into_iter()
        .flat_map(|t| &t.constraints)
        .filter(|c| c.validated)
        .filter_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => Some(cols.clone()),
            _ => None,
        })
        .collect();
    keys.extend(
        ctx.schema
            .indexes_on(table)
            .filter(|i| i.unique)
            .map(|i| i.columns.clone()),
    );
    keys.retain(|k| !k.is_empty());
    keys
}

/// Test helpers: run the whole pipeline on migrations written inline.
#[cfg(test)]
pub(super) mod testing {
    use crate::config::{Config, Dialect};
    use crate::model::Schema;
    use crate::rules::{Ctx, Findings, Rule, SectionKind, SectionState};
    use crate::{FileEntry, Input, Report, Severity, check::check_with_syntax as check};

    /// Checks migration files `(name, text)` with `postgres_version = version`.
    pub fn run(version: &str, files: &[(&str, &str)]) -> Report {
        let entries = files
            .iter()
            .map(|(name, text)| FileEntry {
                rel_path: name.to_string(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        check(Input {
            entries,
            display_dir: String::new(),
            config: Config {
                dialect: Dialect::Postgres,
                postgres_version: version.parse().unwrap(),
                ..Default::default()
            },
            config_source: None,
        })
    }

    /// A setup migration (irreversible) and a second
    /// one whose up is `up` and down `down`.
    pub fn two(version: &str, setup: &str, up: &str, down: &str) -> Report {
        let first = format!("-- migrate:up\n{setup}\n-- migrate:irreversible: test setup\n");
        let second = format!("-- migrate:up\n{up}\n-- migrate:down\n{down}\n");
        run(
            version,
            &[("0001_setup.sql", &first), ("0002_change.sql", &second)],
        )
    }

    /// `(file, line, severity)` of every diagnostic of `rule`.
    pub fn hits(report: &Report, rule: &str) -> Vec<(String, u32, Severity)> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| (report.files[d.file].rel_path.clone(), d.line, d.severity))
            .collect()
    }

    /// The lines of `0002_change.sql` where `rule` reported.
    pub fn lines(report: &Report, rule: &str) -> Vec<u32> {
        hits(report, rule)
            .into_iter()
            .filter(|(f, _, _)| f == "0002_change.sql")
            .map(|(_, l, _)| l)
            .collect()
    }

    /// Every diagnostic, rendered, for assertion messages.
    pub fn shown(report: &Report) -> String {
        report.render(false)
    }

    /// Runs one rule's check over a checked report's migrations, replaying
    /// the schema as the pipeline does, at `version`; `(file, line, message)`
    /// of each finding. For a rule that cannot be registered yet.
    pub fn run_rule(rule: &Rule, version: &str, report: &Report) -> Vec<(String, u32, String)> {
        let version = version.parse().unwrap();
        let mut out = Vec::new();
        if !rule.applies(Dialect::Postgres, version) {
            return out;
        }
        let check = rule.check.expect("a statement rule");
        let mut schema = Schema::default();
        for (index, m) in report.migrations.iter().enumerate() {
            let sections = std::iter::once((&m.up, SectionKind::Up))
                .chain(m.down.iter().map(|d| (d, SectionKind::Down)));
            for (section, kind) in sections {
                if kind == SectionKind::Down {
                    schema.begin();
                }
                let mut state = SectionState::default();
                for (position, stmt) in section.statements.iter().enumerate() {
                    let ctx = Ctx {
                        dialect: Dialect::Postgres,
                        version,
                        mariadb: false,
                        schema: &schema,
                        migration: index,
                        section: kind,
                        runner_transaction: section.transactional,
                        in_transaction: section.transactional || state.explicit_begin.is_some(),
                        file: &report.files[section.file],
                        statements: &section.statements,
                        position,
                        state: &state,
                    };
                    let mut findings = Findings::default();
                    check(&ctx, stmt, &mut findings);
                    for f in findings.items {
                        let file = &report.files[section.file];
                        out.push((file.rel_path.clone(), stmt.line, f.message));
                    }
                    state.after(stmt, position, &schema, index, section.transactional);
                    schema.apply(stmt, index);
                }
                if kind == SectionKind::Down {
                    schema.rollback();
                }
            }
        }
        out
    }

    /// The examples of the group's rules: a good example never reports its
    /// own rule, not even as a warning (the docs test demands it too).
    #[test]
    fn good_examples_never_report_their_own_rule() {
        for rule in super::super::RULES {
            for ex in rule.good {
                let (entries, _) = crate::rules::tests::example_files(ex.text);
                let report = check(Input {
                    entries,
                    display_dir: String::new(),
                    config: Config {
                        dialect: ex.dialect,
                        ..Default::default()
                    },
                    config_source: None,
                });
                assert!(
                    hits(&report, rule.id).is_empty() && !report.has_errors(),
                    "{}: good example reports:\n{}",
                    rule.id,
                    report.render(false)
                );
                assert!(
                    report
                        .diagnostics
                        .iter()
                        .all(|d| d.severity != Severity::Error),
                    "{}",
                    rule.id
                );
            }
        }
    }
}
