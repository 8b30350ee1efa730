//! Schema snapshots read from the database's catalogs, and their differences.
//!
//! A [`Schema`] is a normalized, deterministic map of every object of the
//! database the migrations can create — tables, columns (type, nullability,
//! default, generation), indexes (columns, uniqueness, method), constraints
//! (primary key, foreign key, check, unique, exclusion), views, sequences,
//! types, triggers, routines, schemas and extensions — each with a one-line
//! description as the catalog prints it. Two snapshots compare with
//! [`Schema::diff`]; `cargo migrate verify` takes one before a migration's up
//! and one after its down to tell whether the down reverses the up.
//!
//! The catalogs read:
//! - PostgreSQL: `pg_catalog` (`pg_class`, `pg_attribute`, `pg_constraint`,
//!   `pg_index`, `pg_type`, `pg_proc`, `pg_trigger`), printed with
//!   `format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`;
//!   system schemas and extension members are left out.
//! - MySQL and MariaDB: `information_schema` of the current database.
//! - SQLite: `sqlite_schema` with `pragma_table_xinfo`, `pragma_index_list`,
//!   `pragma_index_xinfo` and `pragma_foreign_key_list`; `CHECK` clauses,
//!   which SQLite keeps only in the table's text, are read from it.
//!
//! The history table is always left out.

use std::collections::BTreeMap;
use std::fmt;

/// The kind of a schema object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    /// A schema (PostgreSQL namespace).
    Schema,
    /// An installed extension (PostgreSQL).
    Extension,
    /// A user-defined type: enum, domain, composite, range (PostgreSQL).
    Type,
    /// A sequence.
    Sequence,
    /// A table.
    Table,
    /// A view or materialized view.
    View,
    /// A function or procedure.
    Routine,
    /// A column of a table.
    Column,
    /// An index of a table (one that does not implement a constraint).
    Index,
    /// A constraint of a table: primary key, foreign key, check, unique, exclusion.
    Constraint,
    /// A trigger on a table.
    Trigger,
}

impl ObjectKind {
    /// The kind's name in messages (`table`, `column`, `index`, …).
    pub const fn name(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Type => "type",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Table => "table",
            ObjectKind::View => "view",
            ObjectKind::Routine => "routine",
            ObjectKind::Column => "column",
            ObjectKind::Index => "index",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Trigger => "trigger",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which object: its kind, the table it belongs to (for columns, indexes,
/// constraints and triggers) and its name. Ordered by table, then kind, then
/// name, so that a table's parts sort together.
///
/// ```
/// use migrate_runtime::{ObjectId, ObjectKind};
/// let id = ObjectId::new(ObjectKind::Index, Some("users"), "users_email_idx");
/// assert_eq!(id.to_string(), "index `users_email_idx` on `users`");
/// let id = ObjectId::new(ObjectKind::Column, Some("users"), "email");
/// assert_eq!(id.to_string(), "column `users.email`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// The table it belongs to (schema-qualified outside `public` on PostgreSQL).
    pub table: Option<String>,
    /// Its kind.
    pub kind: ObjectKind,
    /// Its name; for objects SQLite does not name (a primary key, a foreign
    /// key, a `UNIQUE` or `CHECK` clause) a name made of its definition.
    pub name: String,
}

impl ObjectId {
    /// An object id.
    pub fn new(kind: ObjectKind, table: Option<&str>, name: impl Into<String>) -> Self {
        ObjectId {
            table: table.map(str::to_owned),
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.table, self.kind) {
            (Some(table), ObjectKind::Column) => write!(f, "column `{table}.{}`", self.name),
            (Some(table), kind) => write!(f, "{kind} `{}` on `{table}`", self.name),
            (None, kind) => write!(f, "{kind} `{}`", self.name),
        }
    }
}

/// A normalized snapshot of a database schema: every object with a one-line
/// description (for a column `integer NOT NULL DEFAULT 0`, for a PostgreSQL
/// index its `pg_get_indexdef`). Equal schemas have equal snapshots.
///
/// ```
/// use migrate_runtime::{ObjectId, ObjectKind, Schema};
/// let mut before = Schema::default();
/// before.insert(ObjectId::new(ObjectKind::Table, None, "users"), "table");
/// before.insert(ObjectId::new(ObjectKind::Column, Some("users"), "id"), "integer NOT NULL");
/// let mut after = before.clone();
/// after.insert(ObjectId::new(ObjectKind::Index, Some("users"), "users_id_idx"), "INDEX (id)");
/// let diff = before.diff(&after);
/// assert_eq!(diff.len(), 1);
/// assert_eq!(diff[0].to_string(), "index `users_id_idx` on `users` added: INDEX (id)");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    objects: BTreeMap<ObjectId, String>,
}

/// One difference between two snapshots: an object only in the first
/// (`after` is `None`), only in the second (`before` is `None`), or in both
/// with different descriptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The object.
    pub object: ObjectId,
    /// Its description in the first snapshot.
    pub before: Option<String>,
    /// Its description in the second snapshot.
    pub after: Option<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.before, &self.after) {
            (None, Some(after)) => write!(f, "{} added: {after}", self.object),
            (Some(before), None) => write!(f, "{} removed: {before}", self.object),
            (Some(before), Some(after)) => {
                write!(f, "{} changed: `{before}` became `{after}`", self.object)
            }
            (None, None) => write!(f, "{} unchanged", self.object),
        }
    }
}

impl Schema {
    /// Records an object (replacing a previous description of the same object).
    pub fn insert(&mut self, id: ObjectId, description: impl Into<String>) {
        self.objects.insert(id, description.into());
    }

    /// The description of an object, if the schema has it.
    pub fn get(&self, id: &ObjectId) -> Option<&str> {
        self.objects.get(id).map(String::as_str)
    }

    /// Every object with its description, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&ObjectId, &str)> {
        self.objects.iter().map(|(k, v)| (k, v.as_str()))
    }

    /// How many objects the schema has.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the schema has no object.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Removes a table and everything that belongs to it.
    pub fn remove_table(&mut self, table: &str) {
        self.objects.retain(|id, _| {
            id.table.as_deref() != Some(table)
                && !(id.kind == ObjectKind::Table && id.name == table)
        });
    }

    /// What differs from `self` to `other`, in object order. A table added
    /// or removed whole is one change: its columns, indexes, constraints and
    /// triggers are not listed separately.
    pub fn diff(&self, other: &Schema) -> Vec<Change> {
        let mut changes = Vec::new();
        let whole_table = |id: &ObjectId, side: &Schema, missing: &Schema| {
            id.table.as_ref().is_some_and(|t| {
                let table = ObjectId::new(ObjectKind::Table, None, t.clone());
                side.objects.contains_key(&table) && !missing.objects.contains_key(&table)
            })
        };
        for (id, before) in &self.objects {
            match other.objects.get(id) {
                Some(after) if after == before => {}
                Some(after) => changes.push(Change {
                    object: id.clone(),
                    before: Some(before.clone()),
                    after: Some(after.clone()),
                }),
                None if whole_table(id, self, other) => {}
                None => changes.push(Change {
                    object: id.clone(),
                    before: Some(before.clone()),
                    after: None,
                }),
            }
        }
        for (id, after) in &other.objects {
            if !self.objects.contains_key(id) && !whole_table(id, other, self) {
                changes.push(Change {
                    object: id.clone(),
                    before: None,
                    after: Some(after.clone()),
                });
            }
        }
        changes.sort_by(|a, b| a.object.cmp(&b.object));
        changes
    }
}

/// Whitespace runs collapsed to one space, ends trimmed.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
mod read {
    use super::{ObjectId, ObjectKind, Schema, squash};
    use crate::backend::DbError;
    use crate::error::Error;
    use crate::history::HistoryTable;
    use crate::url::AnyBackend;

    impl AnyBackend {
        /// A snapshot of the schema of the connected database, read from its
        /// catalogs, without the history table `history`.
        ///
        /// # Errors
        ///
        /// [`Error::Database`] when a catalog query fails.
        ///
        /// ```
        /// # #[cfg(feature = "sqlite")] {
        /// use migrate_runtime::{Backend, HistoryTable, ObjectId, ObjectKind};
        /// let mut conn = migrate_runtime::connect("sqlite::memory:")?;
        /// conn.execute_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")?;
        /// conn.execute_sql("CREATE UNIQUE INDEX users_email ON users (email)")?;
        /// let schema = conn.snapshot(&HistoryTable::parse("migrate_history")?)?;
        /// let email = ObjectId::new(ObjectKind::Column, Some("users"), "email");
        /// assert_eq!(schema.get(&email), Some("TEXT NOT NULL"));
        /// let index = ObjectId::new(ObjectKind::Index, Some("users"), "users_email");
        /// assert_eq!(schema.get(&index), Some("UNIQUE INDEX (email)"));
        /// # }
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn snapshot(&mut self, history: &HistoryTable) -> Result<Schema, Error> {
            let read = match self {
                #[cfg(feature = "postgres")]
                AnyBackend::Postgres(b) => super::postgres::snapshot(b.client(), history),
                #[cfg(feature = "mysql")]
                AnyBackend::MySql(b) => super::mysql::snapshot(b.conn(), history),
                #[cfg(feature = "sqlite")]
                AnyBackend::Sqlite(c) => super::sqlite::snapshot(c, history),
            };
            read.map_err(|cause| Error::Database {
                version: None,
                context: "reading the schema from the catalog".to_owned(),
                cause,
            })
        }
    }

    /// Adds an object.
    pub(super) fn put(
        schema: &mut Schema,
        kind: ObjectKind,
        table: Option<&str>,
        name: &str,
        description: &str,
    ) {
        schema.insert(ObjectId::new(kind, table, name), squash(description));
    }

    pub(super) type Read<T> = Result<T, DbError>;
}

#[cfg(feature = "postgres")]
mod postgres {
    use postgres::Client;

    use super::ObjectKind::{self, *};
    use super::Schema;
    use super::read::{Read, put};
    use crate::history::HistoryTable;
    use crate::postgres_backend::pg_error;

    /// User schemas only.
    const SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
         AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    /// `schema.name`, or `name` in `public`.
    fn qualified(schema: &str, name: &str) -> String {
        if schema == "public" {
            name.to_owned()
        } else {
            format!("{schema}.{name}")
        }
    }

    fn not_extension(catalog: &str, oid: &str) -> String {
        format!(
            "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass \
             AND d.objid = {oid} AND d.deptype = 'e')"
        )
    }

    /// The rows of `sql`, every column as text (NULL as `None`).
    fn rows(client: &mut Client, sql: &str) -> Read<Vec<Vec<Option<String>>>> {
        let rows = client.query(sql, &[]).map_err(|e| pg_error(&e))?;
        Ok(rows
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.get::<_, Option<String>>(i))
                    .collect()
            })
            .collect())
    }

    fn text(row: &[Option<String>], i: usize) -> &str {
        row.get(i).and_then(|v| v.as_deref()).unwrap_or("")
    }

    pub(super) fn snapshot(client: &mut Client, history: &HistoryTable) -> Read<Schema> {
        let mut schema = Schema::default();
        let current = rows(client, "SELECT current_schema()::text")?;
        let history_name = qualified(
            history
                .schema()
                .unwrap_or_else(|| current.first().map_or("public", |r| text(r, 0))),
            history.name(),
        );
        let rel = format!("{SCHEMAS} AND {}", not_extension("pg_class", "c.oid"));

        for r in rows(
            client,
            "SELECT nspname::text FROM pg_namespace n WHERE nspname <> 'public' \
             AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
        )? {
            put(&mut schema, ObjectKind::Schema, None, text(&r, 0), "schema");
        }
        for r in rows(
            client,
            "SELECT extname::text, 'version ' || extversion FROM pg_extension",
        )? {
            put(&mut schema, Extension, None, text(&r, 0), text(&r, 1));
        }
        let relations = format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, \
             CASE WHEN c.relpersistence = 'u' THEN 'unlogged ' ELSE '' END, \
             CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, \
             (SELECT format_type(s.seqtypid, NULL) || ' INCREMENT ' || s.seqincrement \
                 || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' START ' \
                 || s.seqstart || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END \
                 FROM pg_sequence s WHERE s.seqrelid = c.oid) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {rel}"
        );
        for r in rows(client, &relations)? {
            let name = qualified(text(&r, 0), text(&r, 1));
            let unlogged = text(&r, 3);
            let (kind, description) = match text(&r, 2) {
                "r" => (Table, format!("{unlogged}table")),
                "p" => (Table, format!("{unlogged}partitioned table")),
                "f" => (Table, "foreign table".to_owned()),
                "v" => (View, format!("view AS {}", text(&r, 4))),
                "m" => (View, format!("materialized view AS {}", text(&r, 4))),
                _ => (Sequence, format!("sequence {}", text(&r, 5))),
            };
            put(&mut schema, kind, None, &name, &description);
        }
        let columns = format!(
            "SELECT n.nspname::text, c.relname::text, a.attname::text, \
             format_type(a.atttypid, a.atttypmod) \
             || CASE WHEN a.attcollation <> t.typcollation \
                THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END \
             || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END \
             || CASE WHEN a.attgenerated = 's' \
                THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED' \
                ELSE coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') END \
             || CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' \
                WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             LEFT JOIN pg_collation co ON co.oid = a.attcollation \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND {rel}"
        );
        table_parts(client, &mut schema, &columns, Column)?;
        let constraints = format!(
            "SELECT n.nspname::text, c.relname::text, k.conname::text, \
             pg_get_constraintdef(k.oid, true) \
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE k.contype <> 'n' AND {rel}"
        );
        table_parts(client, &mut schema, &constraints, Constraint)?;
        let indexes = format!(
            "SELECT n.nspname::text, c.relname::text, i.relname::text, \
             pg_get_indexdef(x.indexrelid) \
             || CASE WHEN x.indisvalid THEN '' ELSE ' (INVALID)' END \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class c ON c.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {rel} AND NOT EXISTS (SELECT 1 FROM pg_constraint k \
                WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid \
                AND k.contype IN ('p', 'u', 'x'))"
        );
        table_parts(client, &mut schema, &indexes, Index)?;
        let triggers = format!(
            "SELECT n.nspname::text, c.relname::text, g.tgname::text, \
             pg_get_triggerdef(g.oid, true) \
             FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE NOT g.tgisinternal AND {rel}"
        );
        table_parts(client, &mut schema, &triggers, Trigger)?;
        let types = format!(
            "SELECT n.nspname::text, t.typname::text, CASE t.typtype \
               WHEN 'e' THEN 'enum (' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), \
                   ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '') \
                   || ')' \
               WHEN 'd' THEN 'domain ' || format_type(t.typbasetype, t.typtypmod) \
                   || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END \
                   || coalesce(' DEFAULT ' || t.typdefault, '') \
                   || coalesce((SELECT ' ' || string_agg(pg_get_constraintdef(k.oid, true), ' ' \
                   ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid), '') \
               WHEN 'c' THEN 'composite (' || coalesce((SELECT string_agg(quote_ident(a.attname) \
                   || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) \
                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 \
                   AND NOT a.attisdropped), '') || ')' \
               WHEN 'r' THEN 'range' ELSE 'multirange' END \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typtype IN ('e', 'd', 'c', 'r', 'm') \
             AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') \
             AND {SCHEMAS} AND {}",
            not_extension("pg_type", "t.oid")
        );
        for r in rows(client, &types)? {
            let name = qualified(text(&r, 0), text(&r, 1));
            put(&mut schema, Type, None, &name, text(&r, 2));
        }
        let routines = format!(
            "SELECT n.nspname::text, p.proname::text || '(' \
             || pg_get_function_identity_arguments(p.oid) || ')', \
             CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' \
               WHEN 'w' THEN 'window function' ELSE 'function' END \
             || coalesce(' RETURNS ' || pg_get_function_result(p.oid), '') \
             || ' LANGUAGE ' || l.lanname || ', body md5 ' || left(md5(coalesce(p.prosrc, '')), 12) \
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             JOIN pg_language l ON l.oid = p.prolang \
             WHERE {SCHEMAS} AND {}",
            not_extension("pg_proc", "p.oid")
        );
        for r in rows(client, &routines)? {
            let name = qualified(text(&r, 0), text(&r, 1));
            put(&mut schema, Routine, None, &name, text(&r, 2));
        }
        schema.remove_table(&history_name);
        Ok(schema)
    }

    /// Rows of (schema, table, name, description) as parts of their table.
    fn table_parts(
        client: &mut Client,
        schema: &mut Schema,
        sql: &str,
        kind: ObjectKind,
    ) -> Read<()> {
        for r in rows(client, sql)? {
            let table = qualified(text(&r, 0), text(&r, 1));
            put(schema, kind, Some(&table), text(&r, 2), text(&r, 3));
        }
        Ok(())
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use std::collections::BTreeMap;

    use mysql::Conn;
    use mysql::prelude::Queryable;

    use super::ObjectKind::*;
    use super::Schema;
    use super::read::{Read, put};
    use crate::backend::DbError;
    use crate::history::HistoryTable;
    use crate::mysql_backend::my_error;

    /// The rows of `sql` by the text protocol: every value as text.
    fn rows(conn: &mut Conn, sql: &str) -> Read<Vec<Vec<Option<String>>>> {
        let rows: Vec<mysql::Row> = conn.query(sql).map_err(|e| my_error(&e))?;
        rows.into_iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| match row.as_ref(i) {
                        None | Some(mysql::Value::NULL) => Ok(None),
                        Some(mysql::Value::Bytes(b)) => {
                            Ok(Some(String::from_utf8_lossy(b).into_owned()))
                        }
                        Some(other) => Err(DbError::new(format!(
                            "unexpected catalog value {other:?} for `{sql}`"
                        ))),
                    })
                    .collect()
            })
            .collect()
    }

    fn text(row: &[Option<String>], i: usize) -> &str {
        row.get(i).and_then(|v| v.as_deref()).unwrap_or("")
    }

    pub(super) fn snapshot(conn: &mut Conn, history: &HistoryTable) -> Read<Schema> {
        let mut schema = Schema::default();
        let here = "TABLE_SCHEMA = DATABASE()";
        let mut collations = BTreeMap::new();
        for r in rows(
            conn,
            &format!(
                "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION \
                 FROM information_schema.TABLES WHERE {here}"
            ),
        )? {
            let (name, kind) = (text(&r, 0), text(&r, 1));
            match kind {
                "VIEW" | "SYSTEM VIEW" => continue,
                "SEQUENCE" => put(&mut schema, Sequence, None, name, "sequence"),
                _ => {
                    let engine = text(&r, 2);
                    let description = if engine.is_empty() {
                        "table".to_owned()
                    } else {
                        format!("table ENGINE={engine}")
                    };
                    put(&mut schema, Table, None, name, &description);
                    collations.insert(name.to_owned(), text(&r, 3).to_owned());
                }
            }
        }
        for r in rows(
            conn,
            &format!(
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, \
                 EXTRA, GENERATION_EXPRESSION, COLLATION_NAME \
                 FROM information_schema.COLUMNS WHERE {here}"
            ),
        )? {
            let table = text(&r, 0);
            let Some(table_collation) = collations.get(table) else {
                continue; // a view's column
            };
            let mut d = text(&r, 2).to_owned();
            let collation = text(&r, 7);
            if !collation.is_empty() && collation != table_collation {
                d.push_str(" COLLATE ");
                d.push_str(collation);
            }
            if text(&r, 3) == "NO" {
                d.push_str(" NOT NULL");
            }
            let generation = text(&r, 6);
            match r.get(4).and_then(|v| v.as_deref()) {
                // MariaDB prints `NULL` for a nullable column without a default.
                Some("NULL") | None => {}
                Some(_) if !generation.is_empty() => {}
                Some(default) => {
                    d.push_str(" DEFAULT ");
                    d.push_str(default);
                }
            }
            let extra = text(&r, 5)
                .split_whitespace()
                .filter(|w| !w.eq_ignore_ascii_case("DEFAULT_GENERATED"))
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .join(" ");
            if !generation.is_empty() {
                d.push_str(&format!(" AS ({generation})"));
            }
            if !extra.is_empty() {
                d.push(' ');
                d.push_str(&extra);
            }
            put(&mut schema, Column, Some(table), text(&r, 1), &d);
        }
        // Indexes, the primary key and unique constraints included (they are indexes).
        let mut indexes: BTreeMap<(String, String), (bool, String, Vec<String>)> = BTreeMap::new();
        for r in rows(
            conn,
            &format!(
                "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, \
                 COLLATION FROM information_schema.STATISTICS WHERE {here} \
                 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
            ),
        )? {
            let entry = indexes
                .entry((text(&r, 0).to_owned(), text(&r, 1).to_owned()))
                .or_insert_with(|| (text(&r, 2) == "0", text(&r, 5).to_owned(), Vec::new()));
            let mut column = match r.get(3).and_then(|v| v.as_deref()) {
                Some(c) => format!("`{c}`"),
                None => "(expression)".to_owned(),
            };
            if let Some(part) = r.get(4).and_then(|v| v.as_deref()) {
                column.push_str(&format!("({part})"));
            }
            if text(&r, 6) == "D" {
                column.push_str(" DESC");
            }
            entry.2.push(column);
        }
        for ((table, name), (unique, method, columns)) in indexes {
            let columns = columns.join(", ");
            let d = if name == "PRIMARY" {
                format!("PRIMARY KEY ({columns})")
            } else {
                let unique = if unique { "UNIQUE " } else { "" };
                format!("{unique}INDEX ({columns}) USING {method}")
            };
            put(&mut schema, Index, Some(&table), &name, &d);
        }
        // Foreign keys.
        // (columns, referenced table, referenced columns, actions) by (table, name).
        type ForeignKey = (Vec<String>, String, Vec<String>, String);
        let mut fks: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
        for r in rows(
            conn,
            "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, \
             k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
               ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
               AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
        )? {
            let entry = fks
                .entry((text(&r, 0).to_owned(), text(&r, 1).to_owned()))
                .or_insert_with(|| {
                    (
                        Vec::new(),
                        text(&r, 3).to_owned(),
                        Vec::new(),
                        format!("ON UPDATE {} ON DELETE {}", text(&r, 5), text(&r, 6)),
                    )
                });
            entry.0.push(format!("`{}`", text(&r, 2)));
            entry.2.push(format!("`{}`", text(&r, 4)));
        }
        for ((table, name), (from, target, to, actions)) in fks {
            let d = format!(
                "FOREIGN KEY ({}) REFERENCES `{target}` ({}) {actions}",
                from.join(", "),
                to.join(", ")
            );
            put(&mut schema, Constraint, Some(&table), &name, &d);
        }
        // CHECK constraints: MariaDB names the table in CHECK_CONSTRAINTS
        // (names are unique per table there), MySQL only in TABLE_CONSTRAINTS.
        let has_table_name = rows(
            conn,
            "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' \
             AND TABLE_NAME = 'CHECK_CONSTRAINTS' AND COLUMN_NAME = 'TABLE_NAME'",
        )?;
        let has_checks = rows(
            conn,
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' \
             AND TABLE_NAME = 'CHECK_CONSTRAINTS'",
        )?;
        if !has_checks.is_empty() {
            let sql = if has_table_name.is_empty() {
                "SELECT t.TABLE_NAME, t.CONSTRAINT_NAME, c.CHECK_CLAUSE \
                 FROM information_schema.TABLE_CONSTRAINTS t \
                 JOIN information_schema.CHECK_CONSTRAINTS c \
                   ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA \
                   AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
                 WHERE t.CONSTRAINT_TYPE = 'CHECK' AND t.TABLE_SCHEMA = DATABASE()"
            } else {
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE \
                 FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
            };
            for r in rows(conn, sql)? {
                let d = format!("CHECK ({})", text(&r, 2));
                put(&mut schema, Constraint, Some(text(&r, 0)), text(&r, 1), &d);
            }
        }
        for r in rows(
            conn,
            &format!(
                "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE {here}"
            ),
        )? {
            let d = format!("view AS {}", text(&r, 1));
            put(&mut schema, View, None, text(&r, 0), &d);
        }
        for r in rows(
            conn,
            "SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, \
             LEFT(MD5(ACTION_STATEMENT), 12) FROM information_schema.TRIGGERS \
             WHERE TRIGGER_SCHEMA = DATABASE()",
        )? {
            let d = format!("{} {}, body md5 {}", text(&r, 2), text(&r, 3), text(&r, 4));
            put(&mut schema, Trigger, Some(text(&r, 0)), text(&r, 1), &d);
        }
        for r in rows(
            conn,
            "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, \
             LEFT(MD5(ROUTINE_DEFINITION), 12) FROM information_schema.ROUTINES \
             WHERE ROUTINE_SCHEMA = DATABASE()",
        )? {
            let kind = text(&r, 1).to_ascii_lowercase();
            let returns = text(&r, 2);
            let d = if returns.is_empty() {
                format!("{kind}, body md5 {}", text(&r, 3))
            } else {
                format!("{kind} RETURNS {returns}, body md5 {}", text(&r, 3))
            };
            put(
                &mut schema,
                Routine,
                None,
                &format!("{} ({kind})", text(&r, 0)),
                &d,
            );
        }
        schema.remove_table(history.name());
        Ok(schema)
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use std::collections::BTreeMap;

    use rusqlite::Connection;

    use super::ObjectKind::*;
    use super::read::{Read, put};
    use super::{Schema, squash};
    use crate::backend::DbError;
    use crate::history::HistoryTable;

    fn db(e: rusqlite::Error) -> DbError {
        DbError::new(e.to_string())
    }

    /// `"name"`, quoted as SQLite prints identifiers.
    fn quote(name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    pub(super) fn snapshot(conn: &Connection, history: &HistoryTable) -> Read<Schema> {
        let mut schema = Schema::default();
        let mut objects = conn
            .prepare(
                "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema \
                 WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
            )
            .map_err(db)?;
        let objects: Vec<(String, String, String, String)> = objects
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        for (kind, name, table, sql) in &objects {
            match kind.as_str() {
                "table" => read_table(conn, &mut schema, name, sql)?,
                "view" => put(&mut schema, View, None, name, &squash(sql)),
                "trigger" => put(&mut schema, Trigger, Some(table), name, &squash(sql)),
                _ => {} // indexes: read with their table
            }
        }
        schema.remove_table(history.name());
        Ok(schema)
    }

    fn read_table(conn: &Connection, schema: &mut Schema, table: &str, sql: &str) -> Read<()> {
        let t = Some(table);
        let description = if sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL") {
            "virtual table"
        } else {
            "table"
        };
        put(schema, Table, None, table, description);
        let mut stmt = conn
            .prepare(
                "SELECT name, coalesce(type, ''), \"notnull\", dflt_value, pk, hidden \
                 FROM pragma_table_xinfo(?1) ORDER BY cid",
            )
            .map_err(db)?;
        let columns: Vec<(String, String, bool, Option<String>, i64, i64)> = stmt
            .query_map([table], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        let mut pk = Vec::new();
        for (name, ty, not_null, default, pk_pos, hidden) in columns {
            if hidden == 1 {
                continue; // a virtual table's hidden column
            }
            let mut d = squash(&ty).to_ascii_uppercase();
            if not_null {
                d.push_str(" NOT NULL");
            }
            if let Some(default) = default {
                d.push_str(" DEFAULT ");
                d.push_str(&default);
            }
            match hidden {
                2 => d.push_str(" GENERATED VIRTUAL"),
                3 => d.push_str(" GENERATED STORED"),
                _ => {}
            }
            if pk_pos > 0 {
                pk.push((pk_pos, quote_if_needed(&name)));
            }
            put(schema, Column, t, &name, d.trim_start());
        }
        if !pk.is_empty() {
            pk.sort();
            let columns: Vec<_> = pk.into_iter().map(|(_, c)| c).collect();
            let d = format!("PRIMARY KEY ({})", columns.join(", "));
            put(schema, Constraint, t, "PRIMARY KEY", &d);
        }
        let mut stmt = conn
            .prepare(
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY name",
            )
            .map_err(db)?;
        let indexes: Vec<(String, bool, String, bool)> = stmt
            .query_map([table], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        for (name, unique, origin, partial) in indexes {
            let columns = index_columns(conn, &name)?;
            match origin.as_str() {
                "pk" => {} // the primary key, above
                "u" => {
                    // An unnamed UNIQUE clause: its automatic name is not stable.
                    let d = format!("UNIQUE ({columns})");
                    put(schema, Constraint, t, &d, &d);
                }
                _ => {
                    let unique = if unique { "UNIQUE " } else { "" };
                    let partial = if partial { " (partial)" } else { "" };
                    let d = format!("{unique}INDEX ({columns}){partial}");
                    put(schema, Index, t, &name, &d);
                }
            }
        }
        let mut stmt = conn
            .prepare(
                "SELECT id, \"table\", \"from\", coalesce(\"to\", ''), on_update, on_delete \
                 FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
            )
            .map_err(db)?;
        let rows: Vec<(i64, String, String, String, String, String)> = stmt
            .query_map([table], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        let mut fks: BTreeMap<i64, (String, Vec<String>, Vec<String>, String)> = BTreeMap::new();
        for (id, target, from, to, on_update, on_delete) in rows {
            let entry = fks.entry(id).or_insert_with(|| {
                (
                    target,
                    Vec::new(),
                    Vec::new(),
                    format!("ON UPDATE {on_update} ON DELETE {on_delete}"),
                )
            });
            entry.1.push(quote_if_needed(&from));
            if !to.is_empty() {
                entry.2.push(quote_if_needed(&to));
            }
        }
        for (target, from, to, actions) in fks.into_values() {
            let name = format!(
                "FOREIGN KEY ({}) REFERENCES {}",
                from.join(", "),
                quote_if_needed(&target)
            );
            let d = if to.is_empty() {
                format!("{name} {actions}")
            } else {
                format!("{name} ({}) {actions}", to.join(", "))
            };
            put(schema, Constraint, t, &name, &d);
        }
        for check in check_clauses(sql) {
            let d = format!("CHECK ({check})");
            put(schema, Constraint, t, &d, &d);
        }
        Ok(())
    }

    /// The key columns of an index: names, `(expression)`, ` DESC`, ` COLLATE x`
    /// when not BINARY.
    fn index_columns(conn: &Connection, index: &str) -> Read<String> {
        let mut stmt = conn
            .prepare(
                "SELECT name, \"desc\", coalesce(coll, 'BINARY') FROM pragma_index_xinfo(?1) \
                 WHERE key = 1 ORDER BY seqno",
            )
            .map_err(db)?;
        let columns: Vec<(Option<String>, bool, String)> = stmt
            .query_map([index], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        Ok(columns
            .into_iter()
            .map(|(name, desc, coll)| {
                let mut c = name.map_or_else(|| "(expression)".to_owned(), |n| quote_if_needed(&n));
                if !coll.eq_ignore_ascii_case("BINARY") {
                    c.push_str(&format!(" COLLATE {coll}"));
                }
                if desc {
                    c.push_str(" DESC");
                }
                c
            })
            .collect::<Vec<_>>()
            .join(", "))
    }

    /// A name as written in a description: bare when it is a plain identifier.
    fn quote_if_needed(name: &str) -> String {
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain { name.to_owned() } else { quote(name) }
    }

    /// The expressions of the `CHECK (…)` clauses of a `CREATE TABLE`
    /// statement as SQLite stored it, whitespace collapsed. A small lexer:
    /// string literals, quoted identifiers and comments are skipped, so a
    /// `check` inside them is not taken for the keyword.
    pub(super) fn check_clauses(sql: &str) -> Vec<String> {
        let bytes = sql.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\'' | b'"' | b'`' => i = skip_quoted(bytes, i, bytes[i]),
                b'[' => i = skip_quoted(bytes, i, b']'),
                b'-' if bytes.get(i + 1) == Some(&b'-') => {
                    i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i = sql[i + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |n| i + 2 + n + 2);
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    if sql[start..i].eq_ignore_ascii_case("check") {
                        let mut j = i;
                        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        if bytes.get(j) == Some(&b'(')
                            && let Some(end) = matching_paren(bytes, j)
                        {
                            out.push(squash(&sql[j + 1..end]));
                            i = end + 1;
                        }
                    }
                }
                _ => i += 1,
            }
        }
        out
    }

    /// The index after a quoted run starting at `start` (a doubled closing
    /// quote is part of it).
    fn skip_quoted(bytes: &[u8], start: usize, close: u8) -> usize {
        let mut i = start + 1;
        while i < bytes.len() {
            if bytes[i] == close {
                if bytes.get(i + 1) == Some(&close) && close != b']' {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i += 1;
        }
        bytes.len()
    }

    /// The index of the `)` closing the `(` at `open`.
    fn matching_paren(bytes: &[u8], open: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = open;
        while i < bytes.len() {
            match bytes[i] {
                b'\'' | b'"' | b'`' => {
                    i = skip_quoted(bytes, i, bytes[i]);
                    continue;
                }
                b'[' => {
                    i = skip_quoted(bytes, i, b']');
                    continue;
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn check_clauses_are_read_from_the_text() {
            let sql = "CREATE TABLE t (a int CHECK (a > 0), b text /* check (x) */ \
                       DEFAULT 'check (y)', \"check\" int, CONSTRAINT c CHECK ( length(b) \n < 5 ))";
            assert_eq!(check_clauses(sql), ["a > 0", "length(b) < 5"]);
            assert!(check_clauses("CREATE TABLE t (a int").is_empty());
            assert!(check_clauses("CREATE TABLE t (a int CHECK (a > (0)").is_empty());
        }

        fn snap(sql: &str) -> Schema {
            let conn = Connection::open_in_memory().unwrap();
            conn.execute_batch(sql).unwrap();
            snapshot(&conn, &HistoryTable::parse("migrate_history").unwrap()).unwrap()
        }

        #[test]
        fn sqlite_snapshot_reads_every_part() {
            let schema = snap(
                "CREATE TABLE migrate_history (version TEXT PRIMARY KEY);
                 CREATE TABLE u (id INTEGER PRIMARY KEY, email text NOT NULL UNIQUE);
                 CREATE TABLE t (
                     a integer NOT NULL DEFAULT 0 CHECK (a >= 0),
                     u_id INTEGER REFERENCES u (id) ON DELETE CASCADE,
                     PRIMARY KEY (a, u_id)
                 );
                 CREATE INDEX t_u ON t (u_id DESC) WHERE u_id > 0;
                 CREATE VIEW v AS SELECT a FROM t;",
            );
            let lines: Vec<String> = schema.iter().map(|(id, d)| format!("{id}: {d}")).collect();
            assert_eq!(
                lines,
                [
                    "table `t`: table",
                    "table `u`: table",
                    "view `v`: CREATE VIEW v AS SELECT a FROM t",
                    "column `t.a`: INTEGER NOT NULL DEFAULT 0",
                    "column `t.u_id`: INTEGER",
                    "index `t_u` on `t`: INDEX (u_id DESC) (partial)",
                    "constraint `CHECK (a >= 0)` on `t`: CHECK (a >= 0)",
                    "constraint `FOREIGN KEY (u_id) REFERENCES u` on `t`: \
                     FOREIGN KEY (u_id) REFERENCES u (id) ON UPDATE NO ACTION ON DELETE CASCADE",
                    "constraint `PRIMARY KEY` on `t`: PRIMARY KEY (a, u_id)",
                    "column `u.email`: TEXT NOT NULL",
                    "column `u.id`: INTEGER",
                    "constraint `PRIMARY KEY` on `u`: PRIMARY KEY (id)",
                    "constraint `UNIQUE (email)` on `u`: UNIQUE (email)",
                ]
            );
        }

        #[test]
        fn sqlite_snapshots_of_equal_schemas_are_equal() {
            let a = snap("CREATE TABLE t (a INT NOT NULL, b TEXT); CREATE INDEX i ON t (b)");
            let b = snap("create table t (a int not null, b text);\ncreate index i on t(b)");
            assert_eq!(a.diff(&b), []);
            let c = snap("CREATE TABLE t (a INT NOT NULL, b TEXT); CREATE UNIQUE INDEX i ON t (b)");
            assert_eq!(a.diff(&c).len(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ObjectKind::{Column, Constraint, Index, Table, Type, View};
    use super::{Change, ObjectId, ObjectKind, Schema};

    fn schema(objects: &[(ObjectKind, Option<&str>, &str, &str)]) -> Schema {
        let mut s = Schema::default();
        for (kind, table, name, d) in objects {
            s.insert(ObjectId::new(*kind, *table, *name), *d);
        }
        s
    }

    #[test]
    fn equal_schemas_have_no_difference() {
        let a = schema(&[
            (Table, None, "t", "table"),
            (Column, Some("t"), "a", "integer"),
        ]);
        assert!(a.diff(&a.clone()).is_empty());
        assert!(Schema::default().diff(&Schema::default()).is_empty());
    }

    #[test]
    fn added_removed_and_changed_objects_are_reported_in_order() {
        let before = schema(&[
            (Table, None, "t", "table"),
            (Column, Some("t"), "a", "integer NOT NULL"),
            (Column, Some("t"), "b", "text"),
            (Index, Some("t"), "t_a", "CREATE INDEX t_a ON t (a)"),
        ]);
        let after = schema(&[
            (Table, None, "t", "table"),
            (Column, Some("t"), "a", "bigint"),
            (Column, Some("t"), "c", "text"),
            (Index, Some("t"), "t_a", "CREATE INDEX t_a ON t (a)"),
            (Index, Some("t"), "t_c", "CREATE INDEX t_c ON t (c)"),
        ]);
        let diff = before.diff(&after);
        let shown: Vec<String> = diff.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "column `t.a` changed: `integer NOT NULL` became `bigint`",
                "column `t.b` removed: text",
                "column `t.c` added: text",
                "index `t_c` on `t` added: CREATE INDEX t_c ON t (c)",
            ]
        );
        // Reversed, the same objects with the sides swapped.
        let back = after.diff(&before);
        assert_eq!(back.len(), 4);
        assert_eq!(back[0].before.as_deref(), Some("bigint"));
        assert_eq!(back[2].after, None);
    }

    #[test]
    fn a_whole_table_is_one_change() {
        let before = schema(&[(Table, None, "a", "table")]);
        let after = schema(&[
            (Table, None, "a", "table"),
            (Table, None, "b", "table"),
            (Column, Some("b"), "x", "integer"),
            (Index, Some("b"), "b_x", "INDEX (x)"),
            (Constraint, Some("b"), "b_pkey", "PRIMARY KEY (x)"),
        ]);
        let diff = before.diff(&after);
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].object, ObjectId::new(Table, None, "b"));
        assert_eq!(after.diff(&before).len(), 1);
        // A part of a table that stays is listed.
        let mut more = after.clone();
        more.insert(ObjectId::new(Column, Some("a"), "y"), "text");
        assert_eq!(after.diff(&more)[0].object.to_string(), "column `a.y`");
    }

    #[test]
    fn removing_a_table_takes_its_parts() {
        let mut s = schema(&[
            (Table, None, "h", "table"),
            (Constraint, Some("h"), "h_pkey", "PRIMARY KEY (v)"),
            (Table, None, "t", "table"),
        ]);
        s.remove_table("h");
        assert_eq!(s.len(), 1);
        assert!(!s.is_empty());
        assert_eq!(s.get(&ObjectId::new(Table, None, "t")), Some("table"));
    }

    #[test]
    fn ids_read_as_messages() {
        assert_eq!(
            ObjectId::new(Constraint, Some("t"), "t_pkey").to_string(),
            "constraint `t_pkey` on `t`"
        );
        assert_eq!(ObjectId::new(Type, None, "mood").to_string(), "type `mood`");
        assert_eq!(
            Change {
                object: ObjectId::new(View, None, "v"),
                before: Some("view AS SELECT 1".into()),
                after: None
            }
            .to_string(),
            "view `v` removed: view AS SELECT 1"
        );
    }
}
