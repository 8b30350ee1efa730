//! The MySQL/MariaDB online-DDL model (the analogue of [`crate::locks`] for
//! PostgreSQL): what one `ALTER TABLE` action costs on the configured server
//! — `INSTANT` (metadata only), `INPLACE` (with or without a table rebuild,
//! with or without concurrent writes) or `COPY` (a new table, writes
//! blocked) — and why. The MySQL rules ask this module rather than each
//! carrying its own reading of the online-DDL tables, and the server
//! versions the answers depend on are data ([`GATES`]), not scattered `if`s.
//!
//! Sources: MySQL 8.0 reference manual §15.12.1 "Online DDL Operations",
//! MySQL 8.0.12/8.0.28/8.0.29 release notes, MariaDB KB "InnoDB Online DDL
//! Operations with the INSTANT Alter Algorithm" and "FOREIGN KEY" (10.5).
//!
//! ```
//! use migrate_check::mysql_ddl::{Feature, Target};
//! use migrate_check::ServerVersion;
//! let mysql = Target::new(false, ServerVersion::new(8, 0, 0));
//! assert!(!mysql.has(Feature::InstantAddColumnAnywhere));
//! let mariadb = Target::new(true, ServerVersion::new(10, 11, 0));
//! assert!(mariadb.has(Feature::InstantAddColumnAnywhere));
//! assert!(mariadb.has(Feature::InlineReferences));
//! ```

use std::fmt;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableAlgorithm, AlterTableLock, AlterTableOperation, ColumnOption,
    DataType, Expr, MySQLColumnPosition, TableConstraint, Value,
};

use crate::config::ServerVersion;
use crate::model::{Column, Table, ident};

/// MySQL or MariaDB: the `mysql` dialect covers both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Oracle MySQL.
    MySql,
    /// MariaDB (`mariadb_version` is set in `migrate.toml`).
    MariaDb,
}

/// The server the migrations must be safe on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// MySQL or MariaDB.
    pub flavor: Flavor,
    /// Its oldest version.
    pub version: ServerVersion,
}

/// A server behaviour that appeared in some release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// `ADD COLUMN` as the last column is INSTANT.
    InstantAddColumnLast,
    /// `ADD COLUMN … FIRST | AFTER c` is INSTANT too.
    InstantAddColumnAnywhere,
    /// `DROP COLUMN` is INSTANT.
    InstantDropColumn,
    /// `RENAME COLUMN` is INSTANT.
    InstantRenameColumn,
    /// CHECK constraints are enforced (earlier they are parsed and ignored).
    EnforcedCheck,
    /// A column-level `REFERENCES` creates a foreign key (MySQL parses and
    /// ignores it).
    InlineReferences,
    /// `ADD COLUMN … DEFAULT (expr)` is INSTANT too (MariaDB evaluates the
    /// expression once for the existing rows; MySQL copies the table).
    InstantExpressionDefault,
    /// Instant ADD/DROP COLUMN counts row versions: 64 per table, then the
    /// next instant change needs a rebuild.
    RowVersionLimit,
}

/// One version gate: `feature` exists on `flavor` from `since`.
#[derive(Clone, Copy, Debug)]
pub struct Gate {
    /// The behaviour.
    pub feature: Feature,
    /// The server family.
    pub flavor: Flavor,
    /// The first release with it.
    pub since: ServerVersion,
}

const fn gate(feature: Feature, flavor: Flavor, major: u32, minor: u32, patch: u32) -> Gate {
    Gate {
        feature,
        flavor,
        since: ServerVersion::new(major, minor, patch),
    }
}

/// Every version gate of the model (linters.md §3). A feature without a
/// gate for a flavor never exists there.
pub static GATES: &[Gate] = &[
    gate(Feature::InstantAddColumnLast, Flavor::MySql, 8, 0, 12),
    gate(Feature::InstantAddColumnAnywhere, Flavor::MySql, 8, 0, 29),
    gate(Feature::InstantDropColumn, Flavor::MySql, 8, 0, 29),
    gate(Feature::InstantRenameColumn, Flavor::MySql, 8, 0, 28),
    gate(Feature::EnforcedCheck, Flavor::MySql, 8, 0, 16),
    gate(Feature::RowVersionLimit, Flavor::MySql, 8, 0, 29),
    gate(Feature::InstantAddColumnLast, Flavor::MariaDb, 10, 3, 2),
    gate(Feature::InstantExpressionDefault, Flavor::MariaDb, 10, 3, 2),
    gate(Feature::InstantAddColumnAnywhere, Flavor::MariaDb, 10, 4, 0),
    gate(Feature::InstantDropColumn, Flavor::MariaDb, 10, 4, 0),
    gate(Feature::InstantRenameColumn, Flavor::MariaDb, 10, 3, 0),
    gate(Feature::EnforcedCheck, Flavor::MariaDb, 10, 2, 1),
    gate(Feature::InlineReferences, Flavor::MariaDb, 10, 5, 0),
];

/// Instant ADD/DROP COLUMN operations a MySQL table may go through before a
/// rebuild (`INNODB_TABLES.TOTAL_ROW_VERSIONS`).
pub const MAX_ROW_VERSIONS: u32 = 64;

impl Target {
    /// The target from the configuration: MariaDB when `mariadb_version` is set.
    pub const fn new(mariadb: bool, version: ServerVersion) -> Self {
        Target {
            flavor: if mariadb {
                Flavor::MariaDb
            } else {
                Flavor::MySql
            },
            version,
        }
    }

    /// Whether the server has the behaviour at the configured version.
    pub fn has(self, feature: Feature) -> bool {
        GATES
            .iter()
            .any(|g| g.feature == feature && g.flavor == self.flavor && self.version >= g.since)
    }

    /// The release that brings a feature to this flavor, if any.
    pub fn since(self, feature: Feature) -> Option<ServerVersion> {
        GATES
            .iter()
            .find(|g| g.feature == feature && g.flavor == self.flavor)
            .map(|g| g.since)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.flavor {
            Flavor::MySql => write!(f, "MySQL {}", self.version),
            Flavor::MariaDb => write!(f, "MariaDB {}", self.version),
        }
    }
}

/// How the server carries out an action, cheapest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    /// Metadata only.
    Instant,
    /// In place: the table is not copied (it may still be rebuilt).
    Inplace,
    /// A new table is built row by row; concurrent writes are blocked.
    Copy,
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::Instant => "INSTANT",
            Algorithm::Inplace => "INPLACE",
            Algorithm::Copy => "COPY",
        })
    }
}

/// Why an action costs what it costs: the rules select findings by it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Metadata only (defaults, comments, renames, dropping an index).
    Metadata,
    /// `ADD COLUMN` at the end.
    AddColumnLast,
    /// `ADD COLUMN … FIRST | AFTER c`.
    AddColumnNotLast,
    /// `ADD COLUMN … GENERATED ALWAYS AS (…) STORED`.
    AddStoredGenerated,
    /// `ADD COLUMN … AUTO_INCREMENT`.
    AddAutoIncrement,
    /// `ADD COLUMN … DEFAULT (expr)`.
    AddExpressionDefault,
    /// `DROP COLUMN`.
    DropColumn,
    /// A column's data type changes (other than the cases below).
    TypeChange {
        /// The old type, as stored.
        from: String,
        /// The new type.
        to: String,
    },
    /// A VARCHAR grows within its length-prefix class (1 byte up to 255
    /// bytes, 2 bytes above).
    VarcharGrowInClass,
    /// A VARCHAR shrinks, or grows across the 255-byte boundary.
    VarcharClassChange {
        /// Old and new lengths in characters.
        from: u64,
        /// New length.
        to: u64,
        /// Bytes per character of the column's character set.
        bytes_per_char: u64,
    },
    /// ENUM/SET members appended at the end within the storage size.
    EnumAppend,
    /// ENUM/SET members removed, reordered, inserted, or the storage size grows.
    EnumRewrite,
    /// `MODIFY c … NOT NULL` on a nullable column.
    SetNotNull,
    /// `MODIFY c …` without NOT NULL on a NOT NULL column.
    DropNotNull,
    /// `MODIFY/CHANGE … FIRST | AFTER c`: the columns are reordered.
    Reorder,
    /// `ADD/DROP PRIMARY KEY`.
    PrimaryKey,
    /// `ADD INDEX`, `ADD UNIQUE`.
    AddIndex,
    /// `ADD FULLTEXT/SPATIAL INDEX`.
    FulltextOrSpatial,
    /// `ADD FOREIGN KEY` (COPY unless `foreign_key_checks = 0`).
    AddForeignKey,
    /// `ADD CHECK`.
    AddCheck,
    /// A table option that rebuilds (`ENGINE=`, `ROW_FORMAT=`, `FORCE`,
    /// `CONVERT TO CHARACTER SET`, `PARTITION BY`, …), upper case.
    TableOption(String),
    /// An action the model does not know.
    Unknown,
}

/// What one action costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    /// The cheapest algorithm the server can use.
    pub algorithm: Algorithm,
    /// The table is rebuilt (every row rewritten), even in place.
    pub rebuild: bool,
    /// Reads and writes go on while it runs (`LOCK=NONE` is possible).
    pub concurrent_dml: bool,
    /// Why.
    pub change: Change,
}

impl Cost {
    fn new(algorithm: Algorithm, rebuild: bool, concurrent_dml: bool, change: Change) -> Self {
        Cost {
            algorithm,
            rebuild,
            concurrent_dml,
            change,
        }
    }
    fn instant(change: Change) -> Self {
        Cost::new(Algorithm::Instant, false, true, change)
    }
    fn rebuild(change: Change) -> Self {
        Cost::new(Algorithm::Inplace, true, true, change)
    }
    fn copy(change: Change) -> Self {
        Cost::new(Algorithm::Copy, true, false, change)
    }

    /// Whether the action blocks traffic for a time that grows with the
    /// table: a copy, a rebuild, or an in-place build without concurrent writes.
    pub fn is_heavy(&self) -> bool {
        self.algorithm == Algorithm::Copy || self.rebuild || !self.concurrent_dml
    }

    /// What it does to the table, for messages.
    pub fn describe(&self) -> String {
        match (self.algorithm, self.rebuild, self.concurrent_dml) {
            (Algorithm::Copy, ..) => "ALGORITHM=COPY: the table is copied row by row and writes are blocked until it is done".into(),
            (Algorithm::Inplace, true, true) => "ALGORITHM=INPLACE with a full table rebuild: every row is rewritten, replicas lag by as long".into(),
            (Algorithm::Inplace, _, false) => "ALGORITHM=INPLACE without concurrent writes (LOCK=SHARED): writes are blocked until it is done".into(),
            (Algorithm::Inplace, false, true) => "ALGORITHM=INPLACE, concurrent reads and writes allowed".into(),
            (Algorithm::Instant, ..) => "ALGORITHM=INSTANT: metadata only".into(),
        }
    }
}

/// The `ALGORITHM=` and `LOCK=` an `ALTER TABLE` (or `CREATE INDEX`) asks for.
pub fn requested(
    ops: &[AlterTableOperation],
) -> (Option<AlterTableAlgorithm>, Option<AlterTableLock>) {
    let mut out = (None, None);
    for op in ops {
        match op {
            AlterTableOperation::Algorithm { algorithm, .. } => out.0 = Some(*algorithm),
            AlterTableOperation::Lock { lock, .. } => out.1 = Some(*lock),
            _ => {}
        }
    }
    out
}

/// The cost of one `ALTER TABLE` action on `table` (the schema before the
/// statement; `None` when unknown). `fk_checks_off`: an earlier
/// `SET foreign_key_checks = 0` in the section. `None` for the
/// `ALGORITHM=`/`LOCK=` clauses themselves.
pub fn action_cost(
    op: &AlterTableOperation,
    table: Option<&Table>,
    target: Target,
    fk_checks_off: bool,
) -> Option<Cost> {
    use AlterTableOperation as Op;
    Some(match op {
        Op::Algorithm { .. } | Op::Lock { .. } => return None,
        Op::AddColumn {
            column_def,
            column_position,
            ..
        } => {
            let opts: Vec<&ColumnOption> = column_def.options.iter().map(|o| &o.option).collect();
            if opts.iter().any(|o| is_stored_generated(o)) {
                Cost::copy(Change::AddStoredGenerated)
            } else if opts.iter().any(|o| is_auto_increment(o)) {
                Cost::new(Algorithm::Inplace, true, false, Change::AddAutoIncrement)
            } else if opts
                .iter()
                .any(|o| matches!(o, ColumnOption::Default(e) if is_expression_default(e)))
                && !target.has(Feature::InstantExpressionDefault)
            {
                Cost::copy(Change::AddExpressionDefault)
            } else if opts
                .iter()
                .any(|o| matches!(o, ColumnOption::PrimaryKey(_)))
            {
                Cost::rebuild(Change::PrimaryKey)
            } else if column_position.is_some() {
                if target.has(Feature::InstantAddColumnAnywhere) {
                    Cost::instant(Change::AddColumnNotLast)
                } else {
                    Cost::rebuild(Change::AddColumnNotLast)
                }
            } else if target.has(Feature::InstantAddColumnLast) {
                Cost::instant(Change::AddColumnLast)
            } else {
                Cost::rebuild(Change::AddColumnLast)
            }
        }
        Op::DropColumn { .. } => {
            if target.has(Feature::InstantDropColumn) {
                Cost::instant(Change::DropColumn)
            } else {
                Cost::rebuild(Change::DropColumn)
            }
        }
        Op::RenameColumn { .. }
        | Op::RenameTable { .. }
        | Op::DropIndex { .. }
        | Op::DropForeignKey { .. }
        | Op::DropConstraint { .. }
        | Op::RenameConstraint { .. }
        | Op::AutoIncrement { .. } => Cost::instant(Change::Metadata),
        Op::AlterColumn { op, .. } => match op {
            AlterColumnOperation::SetDefault { .. } | AlterColumnOperation::DropDefault => {
                Cost::instant(Change::Metadata)
            }
            AlterColumnOperation::SetNotNull => Cost::rebuild(Change::SetNotNull),
            AlterColumnOperation::DropNotNull => Cost::rebuild(Change::DropNotNull),
            AlterColumnOperation::SetDataType { .. } => Cost::copy(Change::Unknown),
            _ => Cost::new(Algorithm::Copy, true, false, Change::Unknown),
        },
        Op::ModifyColumn {
            col_name,
            data_type,
            options,
            column_position,
        } => {
            let old = table.and_then(|t| t.column(&ident(col_name)));
            column_change(old, data_type, options, column_position.as_ref(), table)
        }
        Op::ChangeColumn {
            old_name,
            data_type,
            options,
            column_position,
            ..
        } => {
            let old = table.and_then(|t| t.column(&ident(old_name)));
            column_change(old, data_type, options, column_position.as_ref(), table)
        }
        Op::AddConstraint { constraint, .. } => match constraint {
            TableConstraint::PrimaryKey(_) => Cost::rebuild(Change::PrimaryKey),
            TableConstraint::Unique(_) | TableConstraint::Index(_) => {
                Cost::new(Algorithm::Inplace, false, true, Change::AddIndex)
            }
            TableConstraint::FulltextOrSpatial(_) => {
                // The first FULLTEXT index adds FTS_DOC_ID: a rebuild.
                Cost::new(Algorithm::Inplace, true, false, Change::FulltextOrSpatial)
            }
            TableConstraint::ForeignKey(_) if fk_checks_off => {
                Cost::new(Algorithm::Inplace, false, true, Change::AddForeignKey)
            }
            TableConstraint::ForeignKey(_) => Cost::copy(Change::AddForeignKey),
            TableConstraint::Check(c) if c.enforced == Some(false) => {
                Cost::instant(Change::Metadata)
            }
            // Servers before MySQL 8.0.16 ignore CHECK, but the migrations
            // must be safe on every version from the oldest on: later ones
            // enforce it, so it counts as enforced.
            TableConstraint::Check(_) => Cost::copy(Change::AddCheck),
            _ => Cost::copy(Change::Unknown),
        },
        Op::DropPrimaryKey { .. } => Cost::copy(Change::PrimaryKey),
        _ => Cost::copy(Change::Unknown),
    })
}

/// The cost of each action of one `ALTER TABLE` (index into `ops`, cost):
/// [`action_cost`], plus what depends on the other actions of the
/// statement (`DROP PRIMARY KEY` with an `ADD PRIMARY KEY` is in place).
pub fn alter_costs(
    ops: &[AlterTableOperation],
    table: Option<&Table>,
    target: Target,
    fk_checks_off: bool,
) -> Vec<(usize, Cost)> {
    let adds_primary_key = ops.iter().any(|op| {
        matches!(
            op,
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(_),
                ..
            }
        )
    });
    ops.iter()
        .enumerate()
        .filter_map(|(i, op)| {
            let cost = match op {
                AlterTableOperation::DropPrimaryKey { .. } if adds_primary_key => {
                    Cost::rebuild(Change::PrimaryKey)
                }
                _ => action_cost(op, table, target, fk_checks_off)?,
            };
            Some((i, cost))
        })
        .collect()
}

/// The cost of `CREATE [UNIQUE] INDEX` on an existing table.
pub fn create_index_cost() -> Cost {
    Cost::new(Algorithm::Inplace, false, true, Change::AddIndex)
}

/// The cost of a table option sqlparser does not parse (`ENGINE=`,
/// `ROW_FORMAT=`, `CONVERT TO CHARACTER SET`, …), from its first word.
pub fn option_cost(first_word: &str) -> Cost {
    let word = first_word.to_ascii_uppercase();
    match word.as_str() {
        // Comments and AUTO_INCREMENT are metadata; a table's default
        // charset only applies to columns added later.
        "COMMENT" | "AUTO_INCREMENT" | "CHARACTER" | "CHARSET" | "DEFAULT" | "COLLATE"
        | "STATS_PERSISTENT" => Cost::instant(Change::Metadata),
        // Actions recognized at token level: index renames and visibility,
        // dropping a CHECK, and the partition maintenance that touches only
        // the partitions named (adding or dropping a RANGE/LIST partition).
        "RENAME" | "ALTER" | "DROP" | "ADD" | "TRUNCATE" | "EXCHANGE" | "ANALYZE" | "CHECK"
        | "REPAIR" | "DISCARD" | "IMPORT" => Cost::instant(Change::Metadata),
        "ENGINE" | "CONVERT" | "PARTITION" | "REMOVE" => Cost::copy(Change::TableOption(word)),
        // ROW_FORMAT, KEY_BLOCK_SIZE, FORCE: in place, with a rebuild.
        _ => Cost::rebuild(Change::TableOption(word)),
    }
}

fn column_change(
    old: Option<&Column>,
    data_type: &DataType,
    options: &[ColumnOption],
    position: Option<&MySQLColumnPosition>,
    table: Option<&Table>,
) -> Cost {
    let Some(old) = old else {
        return Cost::copy(Change::Unknown);
    };
    let new_type = data_type.to_string().to_uppercase();
    if normalize_type(&new_type) != normalize_type(&old.data_type) {
        return type_change(old, data_type, &new_type, options, table);
    }
    // A new character set converts every value: a copy (only when both are
    // known: ORMs restate the same one).
    let charset = options.iter().find_map(|o| match o {
        ColumnOption::CharacterSet(cs) => Some(crate::model::object(cs)),
        _ => None,
    });
    if let (Some(new), Some(was)) = (&charset, &old.charset)
        && new != was
    {
        return Cost::copy(Change::TypeChange {
            from: format!("{} CHARACTER SET {was}", old.data_type),
            to: format!("{new_type} CHARACTER SET {new}"),
        });
    }
    let not_null = options
        .iter()
        .any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
    if not_null && old.nullable {
        return Cost::rebuild(Change::SetNotNull);
    }
    if !not_null && !old.nullable {
        return Cost::rebuild(Change::DropNotNull);
    }
    if position.is_some() {
        return Cost::rebuild(Change::Reorder);
    }
    Cost::instant(Change::Metadata)
}

fn type_change(
    old: &Column,
    data_type: &DataType,
    new_type: &str,
    options: &[ColumnOption],
    table: Option<&Table>,
) -> Cost {
    let old_parsed = parse_type(&old.data_type);
    if let (Some(from), Some(to)) = (
        old_parsed.as_ref().and_then(varchar_length),
        varchar_length(data_type),
    ) {
        let charset = options
            .iter()
            .find_map(|o| match o {
                ColumnOption::CharacterSet(cs) => Some(crate::model::object(cs)),
                _ => None,
            })
            .or_else(|| old.charset.clone())
            .or_else(|| table.and_then(|t| t.columns.iter().find_map(|c| c.charset.clone())));
        let bpc = bytes_per_char(charset.as_deref());
        let class = |n: u64| n * bpc > 255;
        return if to >= from && class(from) == class(to) {
            Cost::new(Algorithm::Inplace, false, true, Change::VarcharGrowInClass)
        } else {
            Cost::copy(Change::VarcharClassChange {
                from,
                to,
                bytes_per_char: bpc,
            })
        };
    }
    if let (Some(from), Some(to)) = (old_parsed.as_ref().and_then(members), members(data_type)) {
        return if is_append(&from, &to) {
            Cost::instant(Change::EnumAppend)
        } else {
            Cost::copy(Change::EnumRewrite)
        };
    }
    Cost::copy(Change::TypeChange {
        from: old.data_type.clone(),
        to: new_type.to_string(),
    })
}

/// Spelling differences that are not type changes (`INTEGER` = `INT`,
/// integer display widths, `BOOLEAN` = `TINYINT(1)`).
fn normalize_type(t: &str) -> String {
    let t = t.replace(' ', "").replace("INTEGER", "INT");
    let t = match t.as_str() {
        "BOOL" | "BOOLEAN" => "TINYINT".to_string(),
        _ => t,
    };
    for int in ["TINYINT(", "SMALLINT(", "MEDIUMINT(", "BIGINT(", "INT("] {
        if let Some(rest) = t.strip_prefix(int)
            && let Some(close) = rest.find(')')
            && rest[..close].chars().all(|c| c.is_ascii_digit())
        {
            return format!("{}{}", &int[..int.len() - 1], &rest[close + 1..]);
        }
    }
    t
}

/// Maximum bytes per character of a character set; unknown sets count as
/// utf8mb4 (the MySQL 8.0 default, and the widest).
pub fn bytes_per_char(charset: Option<&str>) -> u64 {
    match charset.map(str::to_ascii_lowercase).as_deref() {
        Some("latin1" | "ascii" | "binary" | "latin2" | "cp1250" | "cp1251" | "cp1252") => 1,
        Some("ucs2" | "gbk" | "big5" | "sjis" | "cp932" | "euckr") => 2,
        Some("utf8" | "utf8mb3" | "ujis" | "eucjpms") => 3,
        _ => 4,
    }
}

fn varchar_length(t: &DataType) -> Option<u64> {
    use sqlparser::ast::CharacterLength;
    match t {
        DataType::Varchar(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharacterVarying(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharVarying(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::Nvarchar(Some(CharacterLength::IntegerLength { length, .. })) => Some(*length),
        _ => None,
    }
}

/// ENUM/SET members with their kind (`true` for SET).
fn members(t: &DataType) -> Option<(bool, Vec<String>)> {
    match t {
        DataType::Enum(values, _) => Some((
            false,
            values
                .iter()
                .map(|m| match m {
                    sqlparser::ast::EnumMember::Name(n)
                    | sqlparser::ast::EnumMember::NamedValue(n, _) => n.to_uppercase(),
                })
                .collect(),
        )),
        DataType::Set(values) => Some((true, values.iter().map(|v| v.to_uppercase()).collect())),
        _ => None,
    }
}

/// New members only at the end, same kind, same storage size (ENUM: 1 byte
/// up to 255 members; SET: 1, 2, 3, 4 or 8 bytes for 8, 16, 24, 32, 64).
fn is_append(from: &(bool, Vec<String>), to: &(bool, Vec<String>)) -> bool {
    let storage = |set: bool, n: usize| {
        if set {
            n.div_ceil(8).next_power_of_two().min(8)
        } else if n <= 255 {
            1
        } else {
            2
        }
    };
    from.0 == to.0
        && to.1.len() >= from.1.len()
        && to.1[..from.1.len()] == from.1[..]
        && storage(from.0, from.1.len()) == storage(to.0, to.1.len())
}

fn parse_type(text: &str) -> Option<DataType> {
    sqlparser::parser::Parser::new(&sqlparser::dialect::MySqlDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_data_type()
        .ok()
}

/// `GENERATED ALWAYS AS (…) STORED`.
pub fn is_stored_generated(o: &ColumnOption) -> bool {
    matches!(
        o,
        ColumnOption::Generated {
            generation_expr_mode: Some(sqlparser::ast::GeneratedExpressionMode::Stored),
            ..
        }
    )
}

/// The `AUTO_INCREMENT` column option.
pub fn is_auto_increment(o: &ColumnOption) -> bool {
    matches!(o, ColumnOption::DialectSpecific(t) if t.iter().any(|t| t.to_string().eq_ignore_ascii_case("AUTO_INCREMENT")))
}

/// `DEFAULT (expr)`: a parenthesised expression default (MySQL ≥ 8.0.13),
/// which MySQL cannot add instantly. A literal in parentheses counts too.
pub fn is_expression_default(e: &Expr) -> bool {
    matches!(e, Expr::Nested(_))
}

/// A literal default (`0`, `'x'`, `NULL`, `TRUE`).
pub fn is_literal(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => !matches!(v.value, Value::Placeholder(_)),
        Expr::UnaryOp { expr, .. } => is_literal(expr),
        _ => false,
    }
}

/// The cost of each action of the `ALTER TABLE` statement `alter` on the
/// schema that the `;`-separated MySQL statements `setup` build — for tools
/// and for the tests that hold the model against a real server.
///
/// ```
/// use migrate_check::mysql_ddl::{Algorithm, Target, costs_after};
/// use migrate_check::ServerVersion;
/// let target = Target::new(false, ServerVersion::new(8, 0, 29));
/// let costs = costs_after("CREATE TABLE t (a int)", "ALTER TABLE t MODIFY a bigint", target).unwrap();
/// assert_eq!(costs[0].algorithm, Algorithm::Copy);
/// ```
pub fn costs_after(setup: &str, alter: &str, target: Target) -> Result<Vec<Cost>, String> {
    use sqlparser::ast::Statement;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;
    let mut schema = crate::model::Schema::default();
    for sql in setup.split(';').filter(|s| !s.trim().is_empty()) {
        let statement = Parser::parse_sql(&MySqlDialect {}, sql)
            .map_err(|e| format!("{sql}: {e}"))?
            .pop()
            .ok_or_else(|| format!("{sql}: no statement"))?;
        let stmt = crate::statement::Stmt {
            span: 0..0,
            line: 1,
            column: 1,
            kind: crate::statement::StmtKind::Parsed(Box::new(statement)),
            allows: Vec::new(),
            concurrent: false,
        };
        schema.apply(&stmt, 0);
    }
    let statement = Parser::parse_sql(&MySqlDialect {}, alter)
        .map_err(|e| format!("{alter}: {e}"))?
        .pop();
    let Some(Statement::AlterTable(at)) = statement else {
        return Err(format!("{alter}: not an ALTER TABLE"));
    };
    let table = schema.table(&crate::model::object(&at.name));
    Ok(alter_costs(&at.operations, table, target, false)
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn costs(setup: &str, alter: &str, target: Target) -> Vec<Cost> {
        costs_after(setup, alter, target).unwrap()
    }

    const MY80: Target = Target::new(false, ServerVersion::new(8, 0, 0));
    const MY8029: Target = Target::new(false, ServerVersion::new(8, 0, 29));

    #[test]
    fn add_column_by_version() {
        let t = "CREATE TABLE t (a int, b int)";
        assert_eq!(
            costs(t, "ALTER TABLE t ADD c int", MY80)[0].algorithm,
            Algorithm::Inplace
        );
        let v8012 = Target::new(false, ServerVersion::new(8, 0, 12));
        assert_eq!(
            costs(t, "ALTER TABLE t ADD c int", v8012)[0].algorithm,
            Algorithm::Instant
        );
        let after = costs(t, "ALTER TABLE t ADD c int AFTER a", v8012);
        assert!(after[0].rebuild && after[0].change == Change::AddColumnNotLast);
        assert_eq!(
            costs(t, "ALTER TABLE t ADD c int AFTER a", MY8029)[0].algorithm,
            Algorithm::Instant
        );
        let maria = Target::new(true, ServerVersion::new(10, 4, 0));
        assert_eq!(
            costs(t, "ALTER TABLE t ADD c int FIRST", maria)[0].algorithm,
            Algorithm::Instant
        );
    }

    #[test]
    fn varchar_classes_are_charset_aware() {
        let t = "CREATE TABLE t (a varchar(50), b varchar(50) CHARACTER SET latin1) DEFAULT CHARSET=utf8mb4";
        // utf8mb4: 63 characters fit in 255 bytes, 64 do not.
        assert_eq!(
            costs(t, "ALTER TABLE t MODIFY a varchar(63)", MY80)[0].change,
            Change::VarcharGrowInClass
        );
        assert!(matches!(
            costs(t, "ALTER TABLE t MODIFY a varchar(64)", MY80)[0].change,
            Change::VarcharClassChange { .. }
        ));
        assert_eq!(
            costs(
                t,
                "ALTER TABLE t MODIFY b varchar(255) CHARACTER SET latin1",
                MY80
            )[0]
            .change,
            Change::VarcharGrowInClass
        );
        assert!(matches!(
            costs(t, "ALTER TABLE t MODIFY a varchar(40)", MY80)[0].change,
            Change::VarcharClassChange { .. }
        ));
    }

    #[test]
    fn enum_append_only() {
        let t = "CREATE TABLE t (s ENUM('a','b') NOT NULL)";
        assert_eq!(
            costs(t, "ALTER TABLE t MODIFY s ENUM('a','b','c') NOT NULL", MY80)[0].change,
            Change::EnumAppend
        );
        assert_eq!(
            costs(t, "ALTER TABLE t MODIFY s ENUM('b','a','c') NOT NULL", MY80)[0].change,
            Change::EnumRewrite
        );
        assert_eq!(
            costs(t, "ALTER TABLE t MODIFY s ENUM('a') NOT NULL", MY80)[0].change,
            Change::EnumRewrite
        );
    }

    #[test]
    fn modify_reads_nullability_and_type() {
        let t = "CREATE TABLE t (a int, b int NOT NULL)";
        assert_eq!(
            costs(t, "ALTER TABLE t MODIFY a int NOT NULL", MY80)[0].change,
            Change::SetNotNull
        );
        assert_eq!(
            costs(t, "ALTER TABLE t MODIFY b int", MY80)[0].change,
            Change::DropNotNull
        );
        assert_eq!(
            costs(
                t,
                "ALTER TABLE t MODIFY b INTEGER NOT NULL COMMENT 'x'",
                MY80
            )[0]
            .change,
            Change::Metadata
        );
        assert!(matches!(
            costs(t, "ALTER TABLE t MODIFY b bigint NOT NULL", MY80)[0].change,
            Change::TypeChange { .. }
        ));
        assert_eq!(
            costs(t, "ALTER TABLE t DROP PRIMARY KEY", MY80)[0].algorithm,
            Algorithm::Copy
        );
    }
}
