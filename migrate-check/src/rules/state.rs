//! What the statements before the current one did in its section: the
//! transaction context rules need (is a transaction open, which locks does it
//! hold, were timeouts set, which constraints were added `NOT VALID`, …).
//!
//! The pipeline updates it after every statement; rules only read it.

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{AlterTableOperation, Set, Statement};

use crate::locks::{self, TableLock};
use crate::model::{Schema, ident, object};
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
    /// `SET [LOCAL] lock_timeout` (MySQL: `lock_wait_timeout`) ran earlier.
    pub lock_timeout: bool,
    /// `SET [LOCAL] statement_timeout` (MySQL: `max_execution_time`) ran earlier.
    pub statement_timeout: bool,
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
        if let Some(ast) = stmt.ast() {
            self.note_settings(ast);
            self.note_ddl(ast);
        }
        for l in locks::locks(stmt) {
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
    }

    fn note_settings(&mut self, ast: &Statement) {
        let Statement::Set(set) = ast else { return };
        let names: Vec<String> = match set {
            Set::SingleAssignment { variable, .. } => vec![variable.to_string().to_lowercase()],
            Set::MultipleAssignments { assignments } => assignments
                .iter()
                .map(|a| a.name.to_string().to_lowercase())
                .collect(),
            Set::ParenthesizedAssignments { variables, .. } => variables
                .iter()
                .map(|v| v.to_string().to_lowercase())
                .collect(),
            _ => Vec::new(),
        };
        for n in names {
            let n = n
                .trim_start_matches("@@")
                .trim_start_matches("session.")
                .to_string();
            match n.as_str() {
                "lock_timeout" | "lock_wait_timeout" | "innodb_lock_wait_timeout" => {
                    self.lock_timeout = true
                }
                "statement_timeout" | "max_execution_time" | "max_statement_time" => {
                    self.statement_timeout = true
                }
                _ => {}
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
                        && let Some(name) = constraint_name(constraint)
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

fn constraint_name(c: &sqlparser::ast::TableConstraint) -> Option<String> {
    use sqlparser::ast::TableConstraint as C;
    let name = match c {
        C::Check(x) => x.name.as_ref(),
        C::ForeignKey(x) => x.name.as_ref(),
        C::Unique(x) => x.name.as_ref(),
        C::PrimaryKey(x) => x.name.as_ref(),
        _ => None,
    };
    name.map(ident)
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
