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

use crate::statement::{Learnt, Recognized, Stmt, StmtKind, TableAction};

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
    /// MySQL: its character set, lower case, when the column or its
    /// `CREATE TABLE` names one (`utf8mb4`, `latin1`).
    pub charset: Option<String>,
    /// The migration that added it (with its table, or by `ADD COLUMN`).
    pub created_in: MigrationIndex,
}

/// A table constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// Its name: as written, or the one PostgreSQL gives an unnamed
    /// constraint (`t_pkey`, `t_a_b_key`, `t_a_fkey`, `t_a_check`), so that a
    /// later `DROP CONSTRAINT` by that name finds it.
    pub name: Option<String>,
    /// What it is.
    pub kind: ConstraintKind,
    /// False while added `NOT VALID` and not yet validated.
    pub validated: bool,
    /// The migration that added it.
    pub created_in: MigrationIndex,
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
    /// Index names by table, so that "the indexes on t" does not scan every
    /// index of the schema (that made the replay quadratic).
    by_table: HashMap<String, Vec<String>>,
    /// Views and triggers: what dropping or renaming a column or table breaks.
    dependents: HashMap<String, Dependent>,
    /// SQLite `PRAGMA legacy_alter_table = ON` is in force: RENAME TO leaves
    /// the references of other tables, views and triggers as written.
    legacy_rename: bool,
    journal: Option<Journal>,
}

/// A view or a trigger, as far as the model knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependent {
    /// Normalized name.
    pub name: String,
    /// `Some(table)` for a trigger (the table it is on), `None` for a view.
    pub trigger_on: Option<String>,
    /// The identifiers of its definition, normalized (tables, columns, aliases).
    pub identifiers: Vec<String>,
    /// For a view: the (table, column) pairs it reads, qualified names
    /// resolved through the aliases of its FROM clause; an unqualified name
    /// counts for every table of the FROM clause.
    pub columns: Vec<(String, String)>,
    /// The migration that created it.
    pub created_in: MigrationIndex,
}

/// What a journal needs to restore the schema: the first saved state of
/// every table and index touched while it was open (`None` = did not exist).
#[derive(Clone, Debug, Default)]
struct Journal {
    tables: HashMap<String, Option<Table>>,
    indexes: HashMap<String, Option<Index>>,
    dependents: HashMap<String, Option<Dependent>>,
}

/// Normalizes an identifier: unquoted names fold to lower case.
pub fn ident(i: &ast::Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        lowercase(&i.value)
    }
}

/// `to_lowercase`, with a fast path for the usual ASCII names.
fn lowercase(name: &str) -> String {
    if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.to_lowercase()
    }
}

/// Normalizes an object name to its last part (the schema is dropped).
pub fn object(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(ident)
        .unwrap_or_else(|| lowercase(&name.to_string()))
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
        self.by_table
            .get(table)
            .into_iter()
            .flatten()
            .filter_map(|name| self.indexes.get(name))
    }

    /// The only ways into and out of `indexes`: they keep `by_table` in step.
    fn index_insert(&mut self, index: Index) {
        // An index of the same name is replaced, not listed twice.
        self.index_remove(&index.name.clone());
        self.by_table
            .entry(index.table.clone())
            .or_default()
            .push(index.name.clone());
        self.indexes.insert(index.name.clone(), index);
    }

    fn index_remove(&mut self, name: &str) -> Option<Index> {
        let old = self.indexes.remove(name)?;
        if let Some(names) = self.by_table.get_mut(&old.table) {
            names.retain(|n| n != name);
        }
        Some(old)
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
            self.index_remove(&name);
            if let Some(i) = saved {
                self.index_insert(i);
            }
        }
        for (name, saved) in j.dependents {
            match saved {
                Some(d) => self.dependents.insert(name, d),
                None => self.dependents.remove(&name),
            };
        }
    }

    /// The views using column `column` of `table` (by name: a view that
    /// names the table and the column), with their names.
    pub fn views_using<'a>(
        &'a self,
        table: &'a str,
        column: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Dependent)> + 'a {
        self.dependents.values().filter_map(move |d| {
            (d.trigger_on.is_none() && d.columns.iter().any(|(t, c)| t == table && c == column))
                .then_some((d.name.as_str(), d))
        })
    }

    /// The tables with a foreign key referencing `table` (itself included).
    pub fn tables_referencing<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.tables.values().filter_map(move |t| {
            t.constraints
                .iter()
                .any(|c| matches!(&c.kind, ConstraintKind::ForeignKey { references, .. } if references == table))
                .then_some(t.name.as_str())
        })
    }

    /// The views and triggers whose definition names `table`, and the
    /// triggers on it.
    pub fn dependents_of<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Dependent> + 'a {
        self.dependents.values().filter(move |d| {
            d.trigger_on.as_deref() == Some(table) || d.identifiers.iter().any(|i| i == table)
        })
    }

    fn put_dependent(&mut self, d: Dependent) {
        self.touch_dependent(&d.name);
        self.dependents.insert(d.name.clone(), d);
    }

    fn remove_dependent(&mut self, name: &str) {
        self.touch_dependent(name);
        self.dependents.remove(name);
    }

    fn touch_dependent(&mut self, name: &str) {
        if let Some(j) = &mut self.journal
            && !j.dependents.contains_key(name)
        {
            j.dependents
                .insert(name.to_string(), self.dependents.get(name).cloned());
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
        let removed = self.tables.remove(name);
        // Journal the table by moving it there, not by a copy.
        if let Some(j) = &mut self.journal
            && !j.tables.contains_key(name)
        {
            j.tables.insert(name.to_string(), removed);
        }
        let triggers: Vec<String> = self
            .dependents
            .values()
            .filter(|d| d.trigger_on.as_deref() == Some(name))
            .map(|d| d.name.clone())
            .collect();
        for t in triggers {
            self.remove_dependent(&t);
        }
        let idx: Vec<String> = self.indexes_on(name).map(|i| i.name.clone()).collect();
        for i in idx {
            self.touch_index(&i);
            self.index_remove(&i);
        }
    }

    fn put_index(&mut self, index: Index) {
        self.touch_index(&index.name);
        self.index_insert(index);
    }

    fn remove_index(&mut self, name: &str) {
        self.touch_index(name);
        self.index_remove(name);
    }

    /// Applies a statement's effect on the schema. Statements the model does
    /// not track (DML, views, functions, …) change nothing.
    pub fn apply(&mut self, stmt: &Stmt, migration: MigrationIndex) {
        if let StmtKind::Unparsed(Some(learnt)) = &stmt.kind {
            let Learnt::CreatesTable { name, columns } = &**learnt;
            let name = object_text(name);
            if self.tables.contains_key(&name) {
                return;
            }
            let columns = columns
                .iter()
                .map(|(column, data_type, not_null)| Column {
                    name: object_text(column),
                    data_type: data_type.clone(),
                    nullable: !not_null,
                    default: None,
                    charset: None,
                    created_in: migration,
                })
                .collect();
            self.put_table(Table {
                name,
                columns,
                constraints: Vec::new(),
                created_in: migration,
            });
            return;
        }
        if let Some(on) = legacy_alter_table(stmt) {
            self.legacy_rename = on;
            return;
        }
        if let Some(r) = stmt.recognized() {
            if let Recognized::DropIndexConcurrently { names, .. } = r {
                for n in names {
                    self.remove_index(&object_text(n));
                }
            }
            if let Recognized::AlterTable {
                table,
                action:
                    TableAction::AddNotNull {
                        constraint,
                        column,
                        not_valid,
                    },
            } = r
            {
                let table = object_text(table);
                let column = object_text(column);
                if let Some(t) = self.table_mut(&table) {
                    if *not_valid {
                        // PostgreSQL 18: a NOT NULL constraint not yet
                        // validated proves what a CHECK (c IS NOT NULL) does.
                        let name = constraint
                            .as_deref()
                            .map_or_else(|| format!("{table}_{column}_not_null"), object_text);
                        t.constraints.push(Constraint {
                            name: Some(name),
                            kind: ConstraintKind::Check(format!("{column} IS NOT NULL")),
                            validated: false,
                            created_in: migration,
                        });
                    } else if let Some(c) = t.columns.iter_mut().find(|c| c.name == column) {
                        c.nullable = false;
                    }
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
                let charset = table_charset(ct);
                for c in &ct.columns {
                    let (mut column, constraints) = column_of(c, &name, migration);
                    if column.charset.is_none() {
                        column.charset.clone_from(&charset);
                    }
                    table.columns.push(column);
                    table.constraints.extend(constraints);
                }
                for tc in &ct.constraints {
                    if let Some(c) = constraint_of(tc, &name, true, migration) {
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
                        ObjectType::View => self.remove_dependent(&n),
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
            Statement::CreateView(v)
                if !(v.if_not_exists && self.dependents.contains_key(&object(&v.name))) =>
            {
                self.put_dependent(Dependent {
                    name: object(&v.name),
                    trigger_on: None,
                    identifiers: words(&v.query.to_string()),
                    columns: view_columns(&v.query),
                    created_in: migration,
                });
            }
            Statement::CreateTrigger(t) => {
                self.put_dependent(Dependent {
                    name: object(&t.name),
                    trigger_on: Some(object(&t.table_name)),
                    identifiers: words(&t.to_string()),
                    columns: Vec::new(),
                    created_in: migration,
                });
            }
            Statement::DropTrigger(t) => self.remove_dependent(&object(&t.trigger_name)),
            Statement::AlterIndex {
                name,
                operation: ast::AlterIndexOperation::RenameIndex { index_name },
            } => {
                let (old, new) = (object(name), object(index_name));
                if let Some(mut index) = self.index(&old).cloned() {
                    self.remove_index(&old);
                    index.name = new;
                    self.put_index(index);
                }
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
        // Foreign keys follow the table they reference (PostgreSQL and MySQL
        // by object identity; SQLite ≥ 3.26 rewrites their text, unless
        // `legacy_alter_table` is on).
        let follow = !self.legacy_rename;
        let referencing: Vec<String> = self
            .tables
            .values()
            .filter(|_| follow)
            .filter(|t| {
                t.constraints.iter().any(
                    |c| matches!(&c.kind, ConstraintKind::ForeignKey { references, .. } if references == old),
                )
            })
            .map(|t| t.name.clone())
            .collect();
        for name in referencing {
            if let Some(t) = self.table_mut(&name) {
                for c in &mut t.constraints {
                    if let ConstraintKind::ForeignKey { references, .. } = &mut c.kind
                        && references == old
                    {
                        *references = new.to_string();
                    }
                }
            }
        }
        // SQLite ≥ 3.25 rewrites views and triggers; PostgreSQL follows the object.
        let dependents: Vec<String> = self
            .dependents
            .values()
            .filter(|d| {
                d.trigger_on.as_deref() == Some(old) || d.identifiers.iter().any(|i| i == old)
            })
            .map(|d| d.name.clone())
            .collect();
        for name in dependents {
            self.touch_dependent(&name);
            if let Some(d) = self.dependents.get_mut(&name) {
                if d.trigger_on.as_deref() == Some(old) {
                    d.trigger_on = Some(new.to_string());
                }
                if !follow {
                    continue;
                }
                for i in &mut d.identifiers {
                    if i == old {
                        *i = new.to_string();
                    }
                }
                for (t, _) in &mut d.columns {
                    if t == old {
                        *t = new.to_string();
                    }
                }
            }
        }
        if let Some(mut t) = self.tables.remove(old) {
            t.name = new.to_string();
            self.put_table(t);
            let idx: Vec<String> = self.indexes_on(old).map(|i| i.name.clone()).collect();
            for i in idx {
                self.touch_index(&i);
                if let Some(mut ix) = self.index_remove(&i) {
                    ix.table = new.to_string();
                    self.index_insert(ix);
                }
            }
        }
    }

    fn alter(&mut self, table: &str, op: &AlterTableOperation, migration: MigrationIndex) {
        if let AlterTableOperation::AddColumn { column_def, .. } = op {
            let (column, constraints) = column_of(column_def, table, migration);
            let implied: Vec<Index> = constraints
                .iter()
                .filter_map(|c| implied_index(c, table, migration))
                .collect();
            if let Some(t) = self.table_mut(table) {
                if t.column(&column.name).is_none() {
                    t.columns.push(column);
                }
                t.constraints.extend(constraints);
            }
            for i in implied {
                self.put_index(i);
            }
            return;
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
                constraint:
                    TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u),
                ..
            } => {
                // The constraint takes over the index (and, if named, renames it).
                let primary = matches!(
                    op,
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::PrimaryKeyUsingIndex(_),
                        ..
                    }
                );
                let index_name = ident(&u.index_name);
                let Some(mut index) = self.index(&index_name).cloned() else {
                    return;
                };
                let name = u
                    .name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| index_name.clone());
                let kind = if primary {
                    ConstraintKind::PrimaryKey(index.columns.clone())
                } else {
                    ConstraintKind::Unique(index.columns.clone())
                };
                if let Some(t) = self.table_mut(table) {
                    t.constraints.push(Constraint {
                        name: Some(name.clone()),
                        kind,
                        validated: true,
                        created_in: migration,
                    });
                    apply_primary_key_nullability(t);
                }
                self.remove_index(&index_name);
                index.name = name;
                self.put_index(index);
                return;
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => {
                let mut index = None;
                if let Some(t) = self.table_mut(table)
                    && let Some(c) = constraint_of(constraint, table, !not_valid, migration)
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
            AlterTableOperation::DropColumn { column_names, .. } => {
                // PostgreSQL drops the constraints and indexes that use the
                // column with it.
                let dropped: Vec<String> = column_names.iter().map(ident).collect();
                t.columns.retain(|col| !dropped.contains(&col.name));
                t.constraints
                    .retain(|c| !dropped.iter().any(|d| c.kind.mentions(d)));
                let gone: Vec<String> = self
                    .indexes_on(table)
                    .filter(|i| {
                        i.columns
                            .iter()
                            .any(|c| dropped.iter().any(|d| mentions(c, d)))
                    })
                    .map(|i| i.name.clone())
                    .collect();
                for i in gone {
                    self.remove_index(&i);
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (old, new) = (ident(old_column_name), ident(new_column_name));
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == old) {
                    c.name = new.clone();
                }
                for c in &mut t.constraints {
                    c.kind.rename_column(&old, &new);
                }
                let on_table: Vec<String> =
                    self.indexes_on(table).map(|i| i.name.clone()).collect();
                for i in on_table {
                    self.touch_index(&i);
                    if let Some(ix) = self.indexes.get_mut(&i) {
                        for c in &mut ix.columns {
                            *c = rename_in(c, &old, &new);
                        }
                    }
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
                    restate_column(c, options);
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
                    restate_column(c, options);
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

/// MySQL `MODIFY`/`CHANGE` restate the whole column: the default is the one
/// written (or none); a character set written replaces the old one.
fn restate_column(c: &mut Column, options: &[ColumnOption]) {
    c.default = options.iter().find_map(|o| match o {
        ColumnOption::Default(e) => Some(e.to_string()),
        _ => None,
    });
    if let Some(cs) = options.iter().find_map(|o| match o {
        ColumnOption::CharacterSet(cs) => Some(object(cs)),
        _ => None,
    }) {
        c.charset = Some(cs);
    }
}

/// MySQL: the default character set a `CREATE TABLE` names
/// (`[DEFAULT] CHARSET=x`, `[DEFAULT] CHARACTER SET x`, or the prefix of
/// `COLLATE=x_…`).
fn table_charset(ct: &ast::CreateTable) -> Option<String> {
    let ast::CreateTableOptions::Plain(options) = &ct.table_options else {
        return None;
    };
    let mut collation = None;
    for o in options {
        let ast::SqlOption::KeyValue { key, value } = o else {
            continue;
        };
        let key = key.to_string().to_ascii_uppercase();
        let value = value
            .to_string()
            .trim_matches(['\'', '"', '`'])
            .to_lowercase();
        match key.trim_start_matches("DEFAULT ") {
            "CHARSET" | "CHARACTER SET" => return Some(value),
            "COLLATE" => collation = value.split('_').next().map(str::to_string),
            _ => {}
        }
    }
    collation
}

fn column_of(
    def: &ast::ColumnDef,
    table: &str,
    migration: MigrationIndex,
) -> (Column, Vec<Constraint>) {
    let name = ident(&def.name);
    let mut column = Column {
        name: name.clone(),
        data_type: def.data_type.to_string().to_uppercase(),
        nullable: true,
        default: None,
        charset: None,
        created_in: migration,
    };
    let mut constraints = Vec::new();
    for o in &def.options {
        let cname = o.name.as_ref().map(ident);
        match &o.option {
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Null => column.nullable = true,
            ColumnOption::Default(e) => column.default = Some(e.to_string()),
            ColumnOption::CharacterSet(cs) => column.charset = Some(object(cs)),
            ColumnOption::PrimaryKey(_) => {
                column.nullable = false;
                constraints.push(Constraint {
                    name: cname,
                    kind: ConstraintKind::PrimaryKey(vec![name.clone()]),
                    validated: true,
                    created_in: migration,
                });
            }
            ColumnOption::Unique(_) => {
                constraints.push(Constraint {
                    name: cname,
                    kind: ConstraintKind::Unique(vec![name.clone()]),
                    validated: true,
                    created_in: migration,
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
                created_in: migration,
            }),
            ColumnOption::Check(ck) => constraints.push(Constraint {
                name: cname,
                kind: ConstraintKind::Check(ck.expr.to_string()),
                validated: true,
                created_in: migration,
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
    for c in &mut constraints {
        c.name.get_or_insert_with(|| default_name(table, &c.kind));
    }
    (column, constraints)
}

/// The name PostgreSQL gives an unnamed constraint.
fn default_name(table: &str, kind: &ConstraintKind) -> String {
    match kind {
        ConstraintKind::PrimaryKey(_) => format!("{table}_pkey"),
        ConstraintKind::Unique(cols) => format!("{table}_{}_key", cols.join("_")),
        ConstraintKind::ForeignKey { columns, .. } => format!("{table}_{}_fkey", columns.join("_")),
        ConstraintKind::Check(expr) => match first_identifier(expr) {
            Some(col) => format!("{table}_{col}_check"),
            None => format!("{table}_check"),
        },
    }
}

impl ConstraintKind {
    /// Whether the constraint uses the column.
    pub fn mentions(&self, column: &str) -> bool {
        match self {
            ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => {
                cols.iter().any(|c| mentions(c, column))
            }
            ConstraintKind::ForeignKey { columns, .. } => columns.iter().any(|c| c == column),
            ConstraintKind::Check(expr) => mentions(expr, column),
        }
    }

    fn rename_column(&mut self, old: &str, new: &str) {
        match self {
            ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => {
                for c in cols {
                    *c = rename_in(c, old, new);
                }
            }
            ConstraintKind::ForeignKey { columns, .. } => {
                for c in columns.iter_mut().filter(|c| *c == old) {
                    *c = new.to_string();
                }
            }
            ConstraintKind::Check(expr) => *expr = rename_in(expr, old, new),
        }
    }
}

/// The identifiers of an expression as the model stores it, through the
/// tokenizer (so that string literals and keywords are not names).
fn identifiers(expr: &str) -> Vec<String> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    sqlparser::tokenizer::Tokenizer::new(&dialect, expr)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            sqlparser::tokenizer::Token::Word(w)
                if w.keyword == sqlparser::keywords::Keyword::NoKeyword
                    || w.quote_style.is_some() =>
            {
                Some(if w.quote_style.is_some() {
                    w.value
                } else {
                    w.value.to_lowercase()
                })
            }
            _ => None,
        })
        .collect()
}

/// The (table, column) pairs a view's query reads (see [`Dependent::columns`]).
fn view_columns(query: &ast::Query) -> Vec<(String, String)> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    // The FROM tables of every SELECT of the query, by alias and by name.
    fn froms(body: &ast::SetExpr, out: &mut Vec<(String, String)>) {
        match body {
            ast::SetExpr::Select(s) => {
                for twj in &s.from {
                    for f in
                        std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation))
                    {
                        if let ast::TableFactor::Table { name, alias, .. } = f {
                            let table = object(name);
                            if let Some(a) = alias {
                                out.push((ident(&a.name), table.clone()));
                            }
                            out.push((table.clone(), table));
                        }
                    }
                }
            }
            ast::SetExpr::Query(q) => froms(&q.body, out),
            ast::SetExpr::SetOperation { left, right, .. } => {
                froms(left, out);
                froms(right, out);
            }
            _ => {}
        }
    }
    let mut aliases = Vec::new();
    froms(&query.body, &mut aliases);
    let tables: Vec<&String> = {
        let mut t: Vec<&String> = aliases.iter().map(|(_, t)| t).collect();
        t.sort();
        t.dedup();
        t
    };
    let dialect = sqlparser::dialect::GenericDialect {};
    let tokens: Vec<Token> = Tokenizer::new(&dialect, &query.to_string())
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let norm = |w: &sqlparser::tokenizer::Word| {
        if w.quote_style.is_some() {
            w.value.clone()
        } else {
            w.value.to_lowercase()
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Word(w) = &tokens[i] {
            if let (Some(Token::Period), Some(Token::Word(c))) =
                (tokens.get(i + 1), tokens.get(i + 2))
            {
                let q = norm(w);
                if let Some((_, t)) = aliases.iter().find(|(a, _)| *a == q) {
                    out.push((t.clone(), norm(c)));
                }
                i += 3;
                continue;
            }
            for t in &tables {
                out.push(((*t).clone(), norm(w)));
            }
        }
        i += 1;
    }
    out.sort();
    out.dedup();
    out
}

/// `PRAGMA legacy_alter_table = …` (SQLite): `Some(true)` when it turns it on.
fn legacy_alter_table(stmt: &Stmt) -> Option<bool> {
    let (name, value) = match (stmt.recognized(), stmt.ast()) {
        (Some(Recognized::Pragma { name, value }), _) => (name.clone(), value.clone()?),
        (_, Some(Statement::Pragma { name, value, .. })) => {
            (object(name), value.as_ref()?.value.to_string())
        }
        _ => return None,
    };
    (name == "legacy_alter_table").then(|| {
        matches!(
            value.trim_matches('\'').to_ascii_lowercase().as_str(),
            "1" | "on" | "true" | "yes"
        )
    })
}

/// Every word of a definition (keywords included: a table may be named
/// like one), normalized: what views and triggers are searched by.
fn words(text: &str) -> Vec<String> {
    let dialect = sqlparser::dialect::GenericDialect {};
    let mut words: Vec<String> = sqlparser::tokenizer::Tokenizer::new(&dialect, text)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            sqlparser::tokenizer::Token::Word(w) if w.quote_style.is_some() => Some(w.value),
            sqlparser::tokenizer::Token::Word(w) => Some(w.value.to_lowercase()),
            _ => None,
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The identifiers of an expression or a statement's text, normalized
/// (string literals and keywords are not identifiers).
pub fn expression_identifiers(text: &str) -> Vec<String> {
    identifiers(text)
}

fn first_identifier(expr: &str) -> Option<String> {
    identifiers(expr).into_iter().next()
}

/// Whether an expression (or a plain column name) uses the column.
fn mentions(expr: &str, column: &str) -> bool {
    if expr == column {
        return true;
    }
    // Cheap answers first: a plain name is not an expression, and an
    // expression whose text does not contain the name cannot use it.
    if expr.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        || !expr
            .to_ascii_lowercase()
            .contains(&column.to_ascii_lowercase())
    {
        return false;
    }
    identifiers(expr).iter().any(|i| i == column)
}

/// The expression with every use of column `old` renamed to `new`.
fn rename_in(expr: &str, old: &str, new: &str) -> String {
    if expr == old {
        return new.to_string();
    }
    if !mentions(expr, old) {
        return expr.to_string();
    }
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let Ok(tokens) = sqlparser::tokenizer::Tokenizer::new(&dialect, expr).tokenize() else {
        return expr.to_string();
    };
    tokens
        .into_iter()
        .map(|t| match t {
            sqlparser::tokenizer::Token::Word(w)
                if w.quote_style.is_none() && w.value.to_lowercase() == old =>
            {
                new.to_string()
            }
            sqlparser::tokenizer::Token::Word(w) if w.quote_style.is_some() && w.value == old => {
                new.to_string()
            }
            other => other.to_string(),
        })
        .collect()
}

fn idents(cols: &[ast::Ident]) -> Vec<String> {
    cols.iter().map(ident).collect()
}

fn index_columns(cols: &[ast::IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| c.column.expr.to_string().to_lowercase())
        .collect()
}

/// A table constraint's name: as written, or the one PostgreSQL gives it.
pub(crate) fn constraint_name(tc: &TableConstraint, table: &str) -> Option<String> {
    constraint_of(tc, table, true, 0).and_then(|c| c.name)
}

fn constraint_of(
    tc: &TableConstraint,
    table: &str,
    validated: bool,
    migration: MigrationIndex,
) -> Option<Constraint> {
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
        name: Some(
            name.map(ident)
                .unwrap_or_else(|| default_name(table, &kind)),
        ),
        kind,
        validated,
        created_in: migration,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Dialect, FileEntry, Input, check::check_with_syntax as check};

    fn schema_after(sql: &str) -> Schema {
        let text = format!("-- migrate:up\n{sql}\n-- migrate:irreversible: test\n");
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
        let mut schema = Schema::default();
        for s in &report.migrations[0].up.statements {
            schema.apply(s, 0);
        }
        schema
    }

    #[test]
    fn unnamed_constraints_get_postgres_names_and_indexes() {
        let s = schema_after(
            "CREATE TABLE t (id bigint PRIMARY KEY, email text UNIQUE, org bigint REFERENCES orgs, n int CHECK (n > 0));",
        );
        let t = s.table("t").unwrap();
        let names: Vec<&str> = t
            .constraints
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect();
        assert_eq!(names, ["t_pkey", "t_email_key", "t_org_fkey", "t_n_check"]);
        assert!(s.index("t_pkey").is_some() && s.index("t_email_key").unwrap().unique);
        assert!(!t.column("id").unwrap().nullable);
    }

    #[test]
    fn drop_constraint_by_default_name() {
        let s = schema_after(
            "CREATE TABLE t (id bigint, org bigint REFERENCES orgs (id));\nALTER TABLE t DROP CONSTRAINT t_org_fkey;",
        );
        assert!(s.table("t").unwrap().constraints.is_empty());
    }

    #[test]
    fn rename_column_follows_into_constraints_and_indexes() {
        let s = schema_after(
            "CREATE TABLE t (a int CHECK (a IS NOT NULL), b int);\nCREATE INDEX t_a ON t (a, b);\nALTER TABLE t RENAME COLUMN a TO c;",
        );
        let t = s.table("t").unwrap();
        assert!(t.column("c").is_some() && t.column("a").is_none());
        assert_eq!(
            t.constraints[0].kind,
            ConstraintKind::Check("c IS NOT NULL".into())
        );
        assert_eq!(s.index("t_a").unwrap().columns, ["c", "b"]);
    }

    #[test]
    fn renaming_an_index_renames_it() {
        for rename in [
            "ALTER INDEX t_a RENAME TO t_b;",
            "ALTER INDEX IF EXISTS t_a RENAME TO t_b;",
        ] {
            let s = schema_after(&format!(
                "CREATE TABLE t (a int);\nCREATE UNIQUE INDEX t_a ON t (a);\n{rename}"
            ));
            assert!(s.index("t_a").is_none(), "{rename}");
            let b = s.index("t_b").expect(rename);
            assert!(b.unique && b.table == "t" && b.columns == ["a"], "{rename}");
            assert_eq!(s.indexes_on("t").count(), 1, "{rename}");
        }
    }

    #[test]
    fn drop_column_drops_what_uses_it() {
        let s = schema_after(
            "CREATE TABLE t (a int UNIQUE, b int CHECK (b > 0), c int);\nCREATE INDEX t_bc ON t (b, c);\nALTER TABLE t DROP COLUMN b;",
        );
        let t = s.table("t").unwrap();
        let names: Vec<&str> = t
            .constraints
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect();
        assert_eq!(names, ["t_a_key"]);
        assert!(s.index("t_bc").is_none() && s.index("t_a_key").is_some());
    }

    #[test]
    fn unique_using_index_takes_over_the_index() {
        let s = schema_after(
            "CREATE TABLE t (a int);\nCREATE UNIQUE INDEX t_a_idx ON t (a);\nALTER TABLE t ADD CONSTRAINT t_a_uniq UNIQUE USING INDEX t_a_idx;",
        );
        assert!(s.index("t_a_idx").is_none());
        assert_eq!(s.index("t_a_uniq").unwrap().columns, ["a"]);
        assert_eq!(
            s.table("t").unwrap().constraints[0].kind,
            ConstraintKind::Unique(vec!["a".into()])
        );
    }

    #[test]
    fn a_table_rebuild_leaves_the_new_shape_under_the_old_name() {
        let s = schema_after(
            "CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE orders (id int, user_id int REFERENCES users (id));\nCREATE TABLE new_users (id int PRIMARY KEY, email text NOT NULL, name text);\nINSERT INTO new_users (id, email) SELECT id, email FROM users;\nDROP TABLE users;\nALTER TABLE new_users RENAME TO users;",
        );
        assert!(s.table("new_users").is_none());
        let users = s.table("users").unwrap();
        assert!(!users.column("email").unwrap().nullable && users.column("name").is_some());
        // The foreign key of `orders` still names `users`, now the new table.
        assert_eq!(
            s.tables_referencing("users").collect::<Vec<_>>(),
            ["orders"]
        );
    }

    #[test]
    fn renaming_a_table_moves_what_references_it() {
        let s = schema_after(
            "CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE orders (id int, user_id int REFERENCES users (id));\nCREATE VIEW v AS SELECT u.email FROM users AS u;\nALTER TABLE users RENAME TO users_old;",
        );
        assert_eq!(
            s.tables_referencing("users_old").collect::<Vec<_>>(),
            ["orders"]
        );
        assert_eq!(s.views_using("users_old", "email").count(), 1);
        assert_eq!(s.views_using("users", "email").count(), 0);
    }

    #[test]
    fn legacy_alter_table_leaves_references_as_written() {
        let s = schema_after(
            "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE orders (id int, user_id int REFERENCES users (id));\nPRAGMA legacy_alter_table = 1;\nALTER TABLE users RENAME TO users_old;",
        );
        assert_eq!(
            s.tables_referencing("users").collect::<Vec<_>>(),
            ["orders"]
        );
    }

    #[test]
    fn journal_rollback_restores_exactly() {
        let mut s = schema_after("CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);");
        let before_tables = s.tables.clone();
        let before_indexes = s.indexes.clone();
        s.begin();
        s.remove_table("t");
        s.put_table(Table {
            name: "u".into(),
            columns: vec![],
            constraints: vec![],
            created_in: 0,
        });
        s.rollback();
        assert_eq!(s.tables, before_tables);
        assert_eq!(s.indexes, before_indexes);
    }
}
