//! What the statements before the current one did in its section: the
//! transaction context rules need (is a transaction open, which locks does it
//! hold, were timeouts set, which constraints were added `NOT VALID`, …).
//!
//! The pipeline updates it after every statement; rules only read it.

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{AlterTableOperation, Set, Statement};

use crate::locks::{self, TableLock};
use crate::model::{Schema, object};
use crate::statement::Stmt;

/// A lock held in the current transaction, and the statement that took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    /// The table and mode.
    pub lock: TableLock,
    /// Position of the statement that took it in the section.
    pub position: usize,
    /// 1-based line of that statement.
    pub line: u32,
}

/// The state of a section before a statement.
#[derive(Clone, Debug, Default)]
pub struct SectionState {
    /// Position of the `BEGIN` of an explicit transaction still open.
    pub explicit_begin: Option<usize>,
    /// A non-zero `SET [LOCAL] lock_timeout` (MySQL: `lock_wait_timeout`) is in force.
    pub lock_timeout: bool,
    /// A non-zero `SET [LOCAL] statement_timeout` (MySQL: `max_execution_time`) is in force.
    pub statement_timeout: bool,
    /// Which of the two were set with `SET LOCAL`: they end with the transaction.
    local_settings: Vec<&'static str>,
    /// Locks held in the current transaction on tables that existed before
    /// this migration (locks on new tables hurt nobody).
    pub held: Vec<HeldLock>,
    /// Tables changed by DDL in the current transaction.
    pub ddl_tables: HashSet<String>,
    /// Constraints added `NOT VALID` in the current transaction: (table, constraint).
    pub not_valid: HashSet<(String, String)>,
    /// Tables whose rows an earlier statement copied into a table new in this
    /// migration (`INSERT INTO new_t SELECT … FROM t`): the rebuild pattern,
    /// after which dropping the old table loses nothing.
    pub copied: HashSet<String>,
    /// How many `ALTER TABLE` statements each table got so far in the section.
    pub alters: HashMap<String, usize>,
}

impl SectionState {
    /// Whether the current transaction holds a lock of at least `mode` on an
    /// existing table; the first such lock.
    pub fn holding(&self, mode: locks::LockMode) -> Option<&HeldLock> {
        self.held.iter().find(|h| h.lock.mode >= mode)
    }

    /// Records the effect of `stmt` (at `position`), run against `schema`
    /// (the schema *before* it) in migration `migration`. `runner_tx` tells
    /// whether the runner wraps the section in a transaction.
    pub(crate) fn after(
        &mut self,
        stmt: &Stmt,
        position: usize,
        schema: &Schema,
        migration: usize,
        runner_tx: bool,
    ) {
        match stmt.transaction_control() {
            Some(true) => self.explicit_begin = Some(position),
            Some(false) => {
                self.explicit_begin = None;
                self.end_transaction();
                return;
            }
            None => {}
        }
        let in_transaction = runner_tx || self.explicit_begin.is_some();
        if let Some(ast) = stmt.ast() {
            self.note_settings(ast, in_transaction);
            self.note_ddl(ast);
        }
        for l in locks::locks(stmt, schema) {
            let existing = schema
                .table(&l.table)
                .is_none_or(|t| t.created_in != migration);
            if existing {
                self.held.push(HeldLock {
                    lock: l,
                    position,
                    line: stmt.line,
                });
            }
        }
        if let Some((target, sources)) = copy_of(stmt)
            && schema
                .table(&target)
                .is_some_and(|t| t.created_in == migration)
        {
            self.copied.extend(sources);
        }
        if !runner_tx && self.explicit_begin.is_none() {
            // Autocommit: the statement's transaction ended with it.
            self.end_transaction();
        }
    }

    fn end_transaction(&mut self) {
        self.held.clear();
        self.ddl_tables.clear();
        self.not_valid.clear();
        for setting in std::mem::take(&mut self.local_settings) {
            self.set(setting, false);
        }
    }

    fn set(&mut self, setting: &'static str, on: bool) {
        match setting {
            "lock" => self.lock_timeout = on,
            _ => self.statement_timeout = on,
        }
    }

    fn note_settings(&mut self, ast: &Statement, in_transaction: bool) {
        use sqlparser::ast::{ContextModifier, Expr, Reset, Value};
        let (assignments, local): (Vec<(String, Option<&Expr>)>, bool) = match ast {
            Statement::Set(Set::SingleAssignment {
                variable,
                values,
                scope,
                ..
            }) => (
                vec![(variable.to_string(), values.first())],
                matches!(scope, Some(ContextModifier::Local)),
            ),
            Statement::Set(Set::MultipleAssignments { assignments }) => (
                assignments
                    .iter()
                    .map(|a| (a.name.to_string(), Some(&a.value)))
                    .collect(),
                false,
            ),
            Statement::Reset(r) => match &r.reset {
                Reset::ALL => {
                    self.lock_timeout = false;
                    self.statement_timeout = false;
                    return;
                }
                Reset::ConfigurationParameter(name) => (vec![(name.to_string(), None)], false),
                _ => return,
            },
            _ => return,
        };
        // SET LOCAL outside a transaction does nothing (PostgreSQL warns).
        if local && !in_transaction {
            return;
        }
        for (name, value) in assignments {
            let name = name.to_lowercase();
            let name = name.trim_start_matches("@@").trim_start_matches("session.");
            let setting = match name {
                "lock_timeout" | "lock_wait_timeout" | "innodb_lock_wait_timeout" => "lock",
                "statement_timeout" | "max_execution_time" | "max_statement_time" => "statement",
                _ => continue,
            };
            // 0 and DEFAULT mean "no timeout" (RESET too: value None).
            let on = value.is_some_and(|v| {
                let text = match v {
                    Expr::Value(v) => match &v.value {
                        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
                        Value::Number(n, _) => n.to_string(),
                        other => other.to_string(),
                    },
                    other => other.to_string(),
                };
                !turns_off(&text)
            });
            self.set(setting, on);
            if local && on {
                self.local_settings.push(setting);
            }
        }
    }

    fn note_ddl(&mut self, ast: &Statement) {
        match ast {
            Statement::AlterTable(at) => {
                let table = object(&at.name);
                *self.alters.entry(table.clone()).or_default() += 1;
                for op in &at.operations {
                    if let AlterTableOperation::AddConstraint {
                        constraint,
                        not_valid: true,
                    } = op
                        && let Some(name) = crate::model::constraint_name(constraint, &table)
                    {
                        self.not_valid.insert((table.clone(), name));
                    }
                }
                self.ddl_tables.insert(table);
            }
            Statement::CreateIndex(ci) => {
                self.ddl_tables.insert(object(&ci.table_name));
            }
            Statement::CreateTable(ct) => {
                self.ddl_tables.insert(object(&ct.name));
            }
            _ => {}
        }
    }
}

/// `0`, `'0ms'`, `'0s'` and `DEFAULT` mean "no timeout".
fn turns_off(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    v == "default" || (!digits.is_empty() && digits.parse::<u64>() == Ok(0))
}

/// `INSERT INTO t SELECT … FROM a, b …`: the target and the source tables.
pub fn copy_of(stmt: &Stmt) -> Option<(String, Vec<String>)> {
    use sqlparser::ast::{SetExpr, TableFactor, TableObject};
    let Some(Statement::Insert(insert)) = stmt.ast() else {
        return None;
    };
    let TableObject::TableName(target) = &insert.table else {
        return None;
    };
    let SetExpr::Select(select) = insert.source.as_ref()?.body.as_ref() else {
        return None;
    };
    let sources = select
        .from
        .iter()
        .filter_map(|f| match &f.relation {
            TableFactor::Table { name, .. } => Some(object(name)),
            _ => None,
        })
        .collect();
    Some((object(target), sources))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Dialect, FileEntry, Input, check::check_with_syntax as check};

    /// The state before the last statement of a one-migration section.
    fn state_before_last(sql: &str, runner_tx: bool) -> SectionState {
        let marker = if runner_tx {
            ""
        } else {
            "-- migrate:no-transaction\n"
        };
        let text = format!("-- migrate:up\n{marker}{sql}\n-- migrate:irreversible: test\n");
        let report = check(Input {
            entries: vec![FileEntry {
                rel_path: "1_t.sql".into(),
                bytes: text.into_bytes(),
            }],
            display_dir: String::new(),
            config: Config {
                dialect: Dialect::Postgres,
                ..Config::default()
            },
            config_source: None,
        });
        let m = &report.migrations[0];
        let mut schema = Schema::default();
        let mut state = SectionState::default();
        let n = m.up.statements.len();
        for (i, s) in m.up.statements[..n - 1].iter().enumerate() {
            state.after(s, i, &schema, 0, runner_tx);
            schema.apply(s, 0);
        }
        state
    }

    #[test]
    fn timeouts_zero_default_reset_and_local() {
        assert!(state_before_last("SET lock_timeout = '2s';\nSELECT 1;", true).lock_timeout);
        assert!(!state_before_last("SET lock_timeout = 0;\nSELECT 1;", true).lock_timeout);
        assert!(!state_before_last("SET lock_timeout = '0ms';\nSELECT 1;", true).lock_timeout);
        assert!(!state_before_last("SET lock_timeout TO DEFAULT;\nSELECT 1;", true).lock_timeout);
        assert!(
            !state_before_last(
                "SET lock_timeout = '1s';\nRESET lock_timeout;\nSELECT 1;",
                true
            )
            .lock_timeout
        );
        assert!(
            state_before_last("SET statement_timeout = '5s';\nSELECT 1;", true).statement_timeout
        );
        // SET LOCAL lasts until the end of its transaction, and is a no-op outside one.
        assert!(
            state_before_last("BEGIN;\nSET LOCAL lock_timeout = '1s';\nSELECT 1;", false)
                .lock_timeout
        );
        assert!(
            !state_before_last(
                "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\nSELECT 1;",
                false
            )
            .lock_timeout
        );
        assert!(
            !state_before_last("SET LOCAL lock_timeout = '1s';\nSELECT 1;", false).lock_timeout
        );
    }

    #[test]
    fn locks_are_held_until_the_transaction_ends() {
        let sql = "CREATE TABLE t (id int);\nALTER TABLE old ADD COLUMN a int;\nSELECT 1;";
        let s = state_before_last(sql, true);
        assert_eq!(
            s.held.len(),
            1,
            "the new table's lock hurts nobody: {:?}",
            s.held
        );
        assert_eq!(s.held[0].lock.table, "old");
        let s = state_before_last(sql, false);
        assert!(s.held.is_empty(), "autocommit released it");
        let s = state_before_last(
            "BEGIN;\nLOCK TABLE old;\nROLLBACK TO SAVEPOINT x;\nSELECT 1;",
            false,
        );
        assert_eq!(
            s.held.len(),
            1,
            "a savepoint rollback keeps the transaction"
        );
    }
}
