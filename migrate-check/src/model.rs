//! The schema model, replayed across all migrations in order, so that a rule
//! knows what exists before a statement runs: whether a table is new in this
//! migration, a column's type and nullability, the indexes and constraints.
//!
//! Names are normalized the way the servers resolve unquoted identifiers
//! (lower case) and schema qualifiers are dropped: the model answers "is
//! there a table called this", which is what the rules need.

use std::collections::HashMap;

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, ObjectName, ObjectType,
    Statement, TableConstraint,
};

use crate::statement::{Recognized, Stmt};

/// Which migration created an object: its position in the ordered list.
pub type MigrationIndex = usize;

/// A column as far as the model knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Normalized name.
    pub name: String,
    /// The type as written, upper case (`VARCHAR(20)`, `BIGINT`).
    pub data_type: String,
    /// Whether NULLs are allowed.
    pub nullable: bool,
    /// The default expression as written, when there is one.
    pub default: Option<String>,
}

/// A table constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// Its name, when it has one.
    pub name: Option<String>,
    /// What it is.
    pub kind: ConstraintKind,
    /// False while added `NOT VALID` and not yet validated.
    pub validated: bool,
}

/// The kinds of constraint the rules distinguish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// `PRIMARY KEY (cols)`.
    PrimaryKey(Vec<String>),
    /// `UNIQUE (cols)`.
    Unique(Vec<String>),
    /// `FOREIGN KEY (cols) REFERENCES table`.
    ForeignKey {
        /// Referencing columns.
        columns: Vec<String>,
        /// Referenced table.
        references: String,
        /// Referenced columns (empty: the referenced table's primary key).
        referred: Vec<String>,
    },
    /// `CHECK (expr)`, the expression as written.
    Check(String),
}

/// A table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Normalized name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Constraints.
    pub constraints: Vec<Constraint>,
    /// The migration that created it.
    pub created_in: MigrationIndex,
}

impl Table {
    /// A column by normalized name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// An index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// Normalized name.
    pub name: String,
    /// The table it is on.
    pub table: String,
    /// Its key columns (expressions as written for expression indexes).
    pub columns: Vec<String>,
    /// `UNIQUE`.
    pub unique: bool,
    /// The migration that created it.
    pub created_in: MigrationIndex,
}

/// The schema after some prefix of the migrations.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    tables: HashMap<String, Table>,
    indexes: HashMap<String, Index>,
    journal: Option<Journal>,
}

/// What a journal needs to restore the schema: the first saved state of
/// every table and index touched while it was open (`None` = did not exist).
#[derive(Clone, Debug, Default)]
struct Journal {
    tables: HashMap<String, Option<Table>>,
    indexes: HashMap<String, Option<Index>>,
}

/// Normalizes an identifier: unquoted names fold to lower case.
pub fn ident(i: &ast::Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// Normalizes an object name to its last part (the schema is dropped).
pub fn object(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(ident)
        .unwrap_or_else(|| name.to_string().to_lowercase())
}

/// Normalizes a name written as text (token-level statements).
pub fn object_text(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    let unquoted = last.trim_matches(|c| c == '"' || c == '`');
    if unquoted.len() != last.len() {
        unquoted.to_string()
    } else {
        last.to_lowercase()
    }
}

impl Schema {
    /// A table by normalized name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// An index by normalized name.
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.get(name)
    }

    /// The indexes on a table.
    pub fn indexes_on<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Index> + 'a {
        self.indexes.values().filter(move |i| i.table == table)
    }

    /// Starts recording changes so that [`Schema::rollback`] can undo them
    /// (used to check a down section without disturbing the replay).
    pub fn begin(&mut self) {
        self.journal = Some(Journal::default());
    }

    /// Undoes every change since [`Schema::begin`]; cost is proportional
    /// to what changed, not to the size of the schema.
    pub fn rollback(&mut self) {
        let Some(j) = self.journal.take() else { return };
        for (name, saved) in j.tables {
            match saved {
                Some(t) => self.tables.insert(name, t),
                None => self.tables.remove(&name),
            };
        }
        for (name, saved) in j.indexes {
            match saved {
                Some(i) => self.indexes.insert(name, i),
                None => self.indexes.remove(&name),
            };
        }
    }

    fn touch_table(&mut self, name: &str) {
        if let Some(j) = &mut self.journal
            && !j.tables.contains_key(name)
        {
            j.tables
                .insert(name.to_string(), self.tables.get(name).cloned());
        }
    }

    fn touch_index(&mut self, name: &str) {
        if let Some(j) = &mut self.journal
            && !j.indexes.contains_key(name)
        {
            j.indexes
                .insert(name.to_string(), self.indexes.get(name).cloned());
        }
    }

    fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.touch_table(name);
        self.tables.get_mut(name)
    }

    fn put_table(&mut self, table: Table) {
        self.touch_table(&table.name);
        self.tables.insert(table.name.clone(), table);
    }

    fn remove_table(&mut self, name: &str) {
        self.touch_table(name);
        self.tables.remove(name);
        let idx: Vec<String> = self.indexes_on(name).map(|i| i.name.clone()).collect();
        for i in idx {
            self.touch_index(&i);
            self.indexes.remove(&i);
        }
    }

    fn put_index(&mut self, index: Index) {
        self.touch_index(&index.name);
        self.indexes.insert(index.name.clone(), index);
    }

    fn remove_index(&mut self, name: &str) {
        self.touch_index(name);
        self.indexes.remove(name);
    }

    /// Applies a statement's effect on the schema. Statements the model does
    /// not track (DML, views, functions, …) change nothing.
    pub fn apply(&mut self, stmt: &Stmt, migration: MigrationIndex) {
        if let Some(r) = stmt.recognized() {
            if let Recognized::DropIndexConcurrently { names, .. } = r {
                for n in names {
                    self.remove_index(&object_text(n));
                }
            }
            if !matches!(r, Recognized::WithClause { .. }) {
                return;
            }
        }
        let Some(ast) = stmt.ast() else { return };
        match ast {
            Statement::CreateTable(ct) => {
                let name = object(&ct.name);
                let mut table = Table {
                    name: name.clone(),
                    columns: Vec::new(),
                    constraints: Vec::new(),
                    created_in: migration,
                };
                for c in &ct.columns {
                    let (column, constraints) = column_of(c);
                    table.columns.push(column);
                    table.constraints.extend(constraints);
                }
                for tc in &ct.constraints {
                    if let Some(c) = constraint_of(tc, true) {
                        table.constraints.push(c);
                    }
                }
                apply_primary_key_nullability(&mut table);
                // PRIMARY KEY and UNIQUE build indexes: record them, so that
                // foreign keys and uniqueness rules can find them.
                let implied: Vec<Index> = table
                    .constraints
                    .iter()
                    .filter_map(|c| implied_index(c, &name, migration))
                    .collect();
                self.put_table(table);
                for i in implied {
                    self.put_index(i);
                }
            }
            Statement::AlterTable(at) => {
                let name = object(&at.name);
                for op in &at.operations {
                    self.alter(&name, op, migration);
                }
            }
            Statement::Drop {
                object_type, names, ..
            } => {
                for n in names {
                    let n = object(n);
                    match object_type {
                        ObjectType::Table => self.remove_table(&n),
                        ObjectType::Index => self.remove_index(&n),
                        _ => {}
                    }
                }
            }
            Statement::CreateIndex(ci) => {
                let table = object(&ci.table_name);
                let name = ci
                    .name
                    .as_ref()
                    .map(object)
                    .unwrap_or_else(|| format!("{table}_idx_{}", self.indexes.len()));
                let columns = ci
                    .columns
                    .iter()
                    .map(|c| c.column.expr.to_string().to_lowercase())
                    .collect();
                self.put_index(Index {
                    name,
                    table,
                    columns,
                    unique: ci.unique,
                    created_in: migration,
                });
            }
            Statement::RenameTable(renames) => {
                for r in renames {
                    self.rename_table(&object(&r.old_name), &object(&r.new_name));
                }
            }
            _ => {}
        }
    }

    fn rename_table(&mut self, old: &str, new: &str) {
        self.touch_table(old);
        if let Some(mut t) = self.tables.remove(old) {
            t.name = new.to_string();
            self.put_table(t);
            let idx: Vec<String> = self.indexes_on(old).map(|i| i.name.clone()).collect();
            for i in idx {
                self.touch_index(&i);
                if let Some(ix) = self.indexes.get_mut(&i) {
                    ix.table = new.to_string();
                }
            }
        }
    }

    fn alter(&mut self, table: &str, op: &AlterTableOperation, migration: MigrationIndex) {
        if let AlterTableOperation::AddColumn { column_def, .. } = op {
            let (_, constraints) = column_of(column_def);
            for i in constraints
                .iter()
                .filter_map(|c| implied_index(c, table, migration))
            {
                self.put_index(i);
            }
        }
        match op {
            AlterTableOperation::RenameTable { table_name } => {
                let new = match table_name {
                    ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n) => object(n),
                };
                self.rename_table(table, &new);
                return;
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => {
                let mut index = None;
                if let Some(t) = self.table_mut(table)
                    && let Some(c) = constraint_of(constraint, !not_valid)
                {
                    index = implied_index(&c, table, migration);
                    t.constraints.push(c);
                    apply_primary_key_nullability(t);
                }
                if let Some(i) = index {
                    self.put_index(i);
                }
                return;
            }
            _ => {}
        }
        let Some(t) = self.table_mut(table) else {
            return;
        };
        match op {
            AlterTableOperation::AddColumn { column_def, .. } => {
                let (column, constraints) = column_of(column_def);
                if t.column(&column.name).is_none() {
                    t.columns.push(column);
                }
                t.constraints.extend(constraints);
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                for c in column_names {
                    let c = ident(c);
                    t.columns.retain(|col| col.name != c);
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (old, new) = (ident(old_column_name), ident(new_column_name));
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == old) {
                    c.name = new;
                }
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let name = ident(column_name);
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == name) {
                    match op {
                        AlterColumnOperation::SetNotNull => c.nullable = false,
                        AlterColumnOperation::DropNotNull => c.nullable = true,
                        AlterColumnOperation::SetDefault { value } => {
                            c.default = Some(value.to_string())
                        }
                        AlterColumnOperation::DropDefault => c.default = None,
                        AlterColumnOperation::SetDataType { data_type, .. } => {
                            c.data_type = data_type.to_string().to_uppercase()
                        }
                        _ => {}
                    }
                }
            }
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => {
                let name = ident(col_name);
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == name) {
                    c.data_type = data_type.to_string().to_uppercase();
                    c.nullable = !options
                        .iter()
                        .any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
                }
            }
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => {
                let old = ident(old_name);
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == old) {
                    c.name = ident(new_name);
                    c.data_type = data_type.to_string().to_uppercase();
                    c.nullable = !options
                        .iter()
                        .any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
                }
            }
            AlterTableOperation::DropConstraint { name, .. }
            | AlterTableOperation::DropForeignKey { name, .. } => {
                let n = ident(name);
                t.constraints
                    .retain(|c| c.name.as_deref() != Some(n.as_str()));
            }
            AlterTableOperation::DropPrimaryKey { .. } => {
                t.constraints
                    .retain(|c| !matches!(c.kind, ConstraintKind::PrimaryKey(_)));
            }
            AlterTableOperation::ValidateConstraint { name } => {
                let n = ident(name);
                for c in t
                    .constraints
                    .iter_mut()
                    .filter(|c| c.name.as_deref() == Some(n.as_str()))
                {
                    c.validated = true;
                }
            }
            _ => {}
        }
    }
}

fn column_of(def: &ast::ColumnDef) -> (Column, Vec<Constraint>) {
    let name = ident(&def.name);
    let mut column = Column {
        name: name.clone(),
        data_type: def.data_type.to_string().to_uppercase(),
        nullable: true,
        default: None,
    };
    let mut constraints = Vec::new();
    for o in &def.options {
        let cname = o.name.as_ref().map(ident);
        match &o.option {
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Null => column.nullable = true,
            ColumnOption::Default(e) => column.default = Some(e.to_string()),
            ColumnOption::PrimaryKey(_) => {
                column.nullable = false;
                constraints.push(Constraint {
                    name: cname,
                    kind: ConstraintKind::PrimaryKey(vec![name.clone()]),
                    validated: true,
                });
            }
            ColumnOption::Unique(_) => {
                constraints.push(Constraint {
                    name: cname,
                    kind: ConstraintKind::Unique(vec![name.clone()]),
                    validated: true,
                });
            }
            ColumnOption::ForeignKey(fk) => constraints.push(Constraint {
                name: cname,
                kind: ConstraintKind::ForeignKey {
                    columns: vec![name.clone()],
                    references: object(&fk.foreign_table),
                    referred: idents(&fk.referred_columns),
                },
                validated: true,
            }),
            ColumnOption::Check(ck) => constraints.push(Constraint {
                name: cname,
                kind: ConstraintKind::Check(ck.expr.to_string()),
                validated: true,
            }),
            _ => {}
        }
    }
    let upper = column.data_type.as_str();
    if matches!(
        upper,
        "SERIAL" | "BIGSERIAL" | "SMALLSERIAL" | "SERIAL2" | "SERIAL4" | "SERIAL8"
    ) && column.default.is_none()
    {
        column.default = Some("nextval()".into());
    }
    (column, constraints)
}

fn idents(cols: &[ast::Ident]) -> Vec<String> {
    cols.iter().map(ident).collect()
}

fn index_columns(cols: &[ast::IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| c.column.expr.to_string().to_lowercase())
        .collect()
}

fn constraint_of(tc: &TableConstraint, validated: bool) -> Option<Constraint> {
    let (name, kind) = match tc {
        TableConstraint::PrimaryKey(pk) => (
            pk.name.as_ref(),
            ConstraintKind::PrimaryKey(index_columns(&pk.columns)),
        ),
        TableConstraint::Unique(u) => (
            u.name.as_ref(),
            ConstraintKind::Unique(index_columns(&u.columns)),
        ),
        TableConstraint::ForeignKey(fk) => (
            fk.name.as_ref(),
            ConstraintKind::ForeignKey {
                columns: idents(&fk.columns),
                references: object(&fk.foreign_table),
                referred: idents(&fk.referred_columns),
            },
        ),
        TableConstraint::Check(ck) => {
            (ck.name.as_ref(), ConstraintKind::Check(ck.expr.to_string()))
        }
        _ => return None,
    };
    Some(Constraint {
        name: name.map(ident),
        kind,
        validated,
    })
}

/// The index a PRIMARY KEY or UNIQUE constraint builds, named as PostgreSQL
/// names it (`t_pkey`, `t_a_b_key`) unless the constraint is named.
fn implied_index(c: &Constraint, table: &str, migration: MigrationIndex) -> Option<Index> {
    let (columns, default_name) = match &c.kind {
        ConstraintKind::PrimaryKey(cols) => (cols.clone(), format!("{table}_pkey")),
        ConstraintKind::Unique(cols) => (cols.clone(), format!("{table}_{}_key", cols.join("_"))),
        _ => return None,
    };
    Some(Index {
        name: c.name.clone().unwrap_or(default_name),
        table: table.to_string(),
        columns,
        unique: true,
        created_in: migration,
    })
}

fn apply_primary_key_nullability(t: &mut Table) {
    let pk: Vec<String> = t
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey(cols) => Some(cols.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    for c in t.columns.iter_mut().filter(|c| pk.contains(&c.name)) {
        c.nullable = false;
    }
}
