//! Which table locks a PostgreSQL statement takes, and what each blocks.
//!
//! Shared by the rules that reason about locks (statements after an ACCESS
//! EXCLUSIVE lock, lock timeouts, DML beside DDL). From the PostgreSQL manual,
//! "Explicit Locking" and each command's page.

use std::fmt;

use sqlparser::ast::{AlterTableOperation, ObjectType, Statement, TableConstraint};

use crate::model::{Schema, object, object_text};
use crate::statement::{Recognized, Stmt, TableAction};

/// PostgreSQL's table-level lock modes, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    /// `SELECT`.
    AccessShare,
    /// `SELECT … FOR UPDATE`.
    RowShare,
    /// `INSERT`, `UPDATE`, `DELETE`.
    RowExclusive,
    /// `VACUUM`, `ANALYZE`, `CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`.
    ShareUpdateExclusive,
    /// `CREATE INDEX`.
    Share,
    /// `CREATE TRIGGER`, `ADD FOREIGN KEY`.
    ShareRowExclusive,
    /// `REFRESH MATERIALIZED VIEW CONCURRENTLY`.
    Exclusive,
    /// Most `ALTER TABLE`, `DROP`, `TRUNCATE`, `VACUUM FULL`, `CLUSTER`.
    AccessExclusive,
}

impl LockMode {
    /// The mode's name as PostgreSQL writes it.
    pub const fn name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// What application traffic the mode blocks while held.
    pub const fn blocks(self) -> &'static str {
        match self {
            LockMode::AccessShare => "only ACCESS EXCLUSIVE (DDL)",
            LockMode::RowShare => "EXCLUSIVE and ACCESS EXCLUSIVE",
            LockMode::RowExclusive => "SHARE and stronger: CREATE INDEX and most DDL",
            LockMode::ShareUpdateExclusive => {
                "other schema changes and VACUUM; reads and writes go on"
            }
            LockMode::Share => "INSERT, UPDATE and DELETE; reads go on",
            LockMode::ShareRowExclusive => "INSERT, UPDATE and DELETE; reads go on",
            LockMode::Exclusive => "everything but plain SELECT",
            LockMode::AccessExclusive => "every read and every write",
        }
    }

    /// Whether the mode blocks writes (INSERT, UPDATE, DELETE).
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A lock a statement takes on a table (normalized name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLock {
    /// The table.
    pub table: String,
    /// The mode.
    pub mode: LockMode,
}

fn lock(table: String, mode: LockMode) -> TableLock {
    TableLock { table, mode }
}

/// The strongest lock an `ALTER TABLE` operation takes on its table.
pub fn alter_operation_lock(op: &AlterTableOperation) -> LockMode {
    use AlterTableOperation as Op;
    match op {
        Op::ValidateConstraint { .. } => LockMode::ShareUpdateExclusive,
        Op::AddConstraint {
            constraint: TableConstraint::ForeignKey(_),
            ..
        } => LockMode::ShareRowExclusive,
        Op::DisableTrigger { .. }
        | Op::EnableTrigger { .. }
        | Op::EnableAlwaysTrigger { .. }
        | Op::EnableReplicaTrigger { .. } => LockMode::ShareRowExclusive,
        Op::DetachPartitionOf { mode: Some(_), .. } => LockMode::ShareUpdateExclusive,
        // Since PostgreSQL 12 attaching a partition takes SHARE UPDATE
        // EXCLUSIVE on the parent (the partition itself: ACCESS EXCLUSIVE).
        Op::AttachPartition { .. } | Op::AttachPartitionOf { .. } => LockMode::ShareUpdateExclusive,
        _ => LockMode::AccessExclusive,
    }
}

/// The table locks a statement takes (PostgreSQL semantics). The schema
/// (before the statement) finds the table of an index.
pub fn locks(stmt: &Stmt, schema: &Schema) -> Vec<TableLock> {
    let table_of_index = |name: &str| schema.index(&object_text(name)).map(|i| i.table.clone());
    if let Some(r) = stmt.recognized() {
        return match r {
            Recognized::DropIndexConcurrently { names, .. } => names
                .iter()
                .filter_map(|n| table_of_index(n))
                .map(|t| lock(t, LockMode::ShareUpdateExclusive))
                .collect(),
            Recognized::Reindex {
                target,
                name: Some(n),
                concurrently,
            } if target == "INDEX" => {
                let mode = if *concurrently {
                    LockMode::ShareUpdateExclusive
                } else {
                    LockMode::Share
                };
                table_of_index(n)
                    .map(|t| vec![lock(t, mode)])
                    .unwrap_or_default()
            }
            Recognized::Reindex {
                target,
                name: Some(n),
                concurrently,
            } if target == "TABLE" => {
                let mode = if *concurrently {
                    LockMode::ShareUpdateExclusive
                } else {
                    LockMode::Share
                };
                vec![lock(object_text(n), mode)]
            }
            Recognized::Cluster { table: Some(t) } => {
                vec![lock(object_text(t), LockMode::AccessExclusive)]
            }
            Recognized::Vacuum { full: true, tables } => tables
                .iter()
                .map(|t| lock(object_text(t), LockMode::AccessExclusive))
                .collect(),
            Recognized::SetTablespace { table } => {
                vec![lock(object_text(table), LockMode::AccessExclusive)]
            }
            Recognized::WithClause { statement, .. } => locks_of_ast(statement, schema),
            Recognized::AlterTable { table, action } => {
                let mode = match action {
                    TableAction::Metadata { lock, .. } => *lock,
                    TableAction::SetSchema { .. } | TableAction::AddNotNull { .. } => {
                        LockMode::AccessExclusive
                    }
                };
                vec![lock(object_text(table), mode)]
            }
            Recognized::Other {
                lock: Some((table, mode)),
                ..
            } => vec![lock(object_text(table), *mode)],
            _ => Vec::new(),
        };
    }
    stmt.ast()
        .map(|a| locks_of_ast(a, schema))
        .unwrap_or_default()
}

fn locks_of_ast(ast: &Statement, schema: &Schema) -> Vec<TableLock> {
    match ast {
        Statement::Drop {
            object_type: ObjectType::Index,
            names,
            ..
        } => names
            .iter()
            .filter_map(|n| {
                schema
                    .index(&object(n))
                    .map(|i| lock(i.table.clone(), LockMode::AccessExclusive))
            })
            .collect(),
        Statement::Lock(l) => {
            let mode = l
                .lock_mode
                .as_ref()
                .map_or(LockMode::AccessExclusive, lock_table_mode);
            l.tables
                .iter()
                .map(|t| lock(object(&t.name), mode))
                .collect()
        }
        Statement::AlterTable(at) => {
            let table = object(&at.name);
            let mut out = Vec::new();
            let strongest = at.operations.iter().map(alter_operation_lock).max();
            if let Some(mode) = strongest {
                out.push(lock(table, mode));
            }
            // A foreign key also locks the table it references.
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::ForeignKey(fk),
                        ..
                    } => out.push(lock(object(&fk.foreign_table), LockMode::ShareRowExclusive)),
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        out.extend(references(&column_def.options));
                    }
                    _ => {}
                }
            }
            out
        }
        Statement::CreateTable(ct) => {
            let mut out: Vec<TableLock> = ct
                .columns
                .iter()
                .flat_map(|c| references(&c.options))
                .collect();
            out.extend(ct.constraints.iter().filter_map(|c| match c {
                TableConstraint::ForeignKey(fk) => {
                    Some(lock(object(&fk.foreign_table), LockMode::ShareRowExclusive))
                }
                _ => None,
            }));
            out
        }
        Statement::Vacuum(v) if v.full => v
            .table_name
            .iter()
            .map(|t| lock(object(t), LockMode::AccessExclusive))
            .collect(),
        Statement::CreateIndex(ci) => {
            let mode = if ci.concurrently {
                LockMode::ShareUpdateExclusive
            } else {
                LockMode::Share
            };
            vec![lock(object(&ci.table_name), mode)]
        }
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => names
            .iter()
            .map(|n| lock(object(n), LockMode::AccessExclusive))
            .collect(),
        Statement::Truncate(t) => t
            .table_names
            .iter()
            .map(|n| lock(object(&n.name), LockMode::AccessExclusive))
            .collect(),
        Statement::Insert(i) => match &i.table {
            sqlparser::ast::TableObject::TableName(n) => {
                vec![lock(object(n), LockMode::RowExclusive)]
            }
            _ => Vec::new(),
        },
        Statement::Update(u) => match &u.table.relation {
            sqlparser::ast::TableFactor::Table { name, .. } => {
                vec![lock(object(name), LockMode::RowExclusive)]
            }
            _ => Vec::new(),
        },
        Statement::Delete(d) => {
            let tables = match &d.from {
                sqlparser::ast::FromTable::WithFromKeyword(t)
                | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
            };
            tables
                .iter()
                .filter_map(|t| match &t.relation {
                    sqlparser::ast::TableFactor::Table { name, .. } => {
                        Some(lock(object(name), LockMode::RowExclusive))
                    }
                    _ => None,
                })
                .collect()
        }
        Statement::CreateTrigger(t) => {
            vec![lock(object(&t.table_name), LockMode::ShareRowExclusive)]
        }
        Statement::RenameTable(rs) => rs
            .iter()
            .map(|r| lock(object(&r.old_name), LockMode::AccessExclusive))
            .collect(),
        _ => Vec::new(),
    }
}

/// The SHARE ROW EXCLUSIVE locks of column-level `REFERENCES`.
fn references(options: &[sqlparser::ast::ColumnOptionDef]) -> Vec<TableLock> {
    options
        .iter()
        .filter_map(|o| match &o.option {
            sqlparser::ast::ColumnOption::ForeignKey(fk) => {
                Some(lock(object(&fk.foreign_table), LockMode::ShareRowExclusive))
            }
            _ => None,
        })
        .collect()
}

fn lock_table_mode(m: &sqlparser::ast::LockTableMode) -> LockMode {
    use sqlparser::ast::LockTableMode as M;
    match m {
        M::AccessShare => LockMode::AccessShare,
        M::RowShare => LockMode::RowShare,
        M::RowExclusive => LockMode::RowExclusive,
        M::ShareUpdateExclusive => LockMode::ShareUpdateExclusive,
        M::Share => LockMode::Share,
        M::ShareRowExclusive => LockMode::ShareRowExclusive,
        M::Exclusive => LockMode::Exclusive,
        M::AccessExclusive => LockMode::AccessExclusive,
    }
}
