//! The statement model the rules see: sqlparser's AST where sqlparser
//! understands the statement, and token-level recognition of the common
//! statements it rejects although the servers accept them.

use std::ops::Range;

use sqlparser::ast;

/// A statement of a section, with its place in the file.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// Byte range in the file's normalized text, from the first token to the
    /// last one (the `;` excluded).
    pub span: Range<usize>,
    /// 1-based line of its first token.
    pub line: u32,
    /// 1-based column of its first token.
    pub column: u32,
    /// What the statement is.
    pub kind: StmtKind,
    /// Rule ids suppressed on this statement by `-- migrate:allow`, with the
    /// index of the directive that did it.
    pub allows: Vec<(String, usize)>,
    /// Whether it runs `CONCURRENTLY` (see [`Stmt::concurrently`]), kept
    /// after the syntax tree is released: the runner lifts its lock timeout
    /// for such a statement, because it waits for every older transaction
    /// to end, by design, without blocking anyone.
    pub concurrent: bool,
}

/// What a statement is, as far as the checker understands it.
#[derive(Clone, Debug)]
pub enum StmtKind {
    /// Parsed by sqlparser.
    Parsed(Box<ast::Statement>),
    /// Recognized at token level (sqlparser rejects it; the server accepts it).
    Recognized(Recognized),
    /// Neither: a `parse-error` diagnostic was reported for it. What could
    /// still be read from its tokens is kept for the schema model.
    Unparsed(Option<Box<Learnt>>),
    /// Parsed or recognized, and analyzed; its syntax tree was released
    /// afterwards (a [`Report`](crate::Report) keeps where each statement
    /// is, not its tree, so that checking a large directory needs memory
    /// for one migration at a time).
    Analyzed,
}

/// What the schema model learns from a statement that does not parse, read
/// from its tokens, so that one unreadable statement does not make every
/// later statement on its objects look like one on an unknown, old table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Learnt {
    /// `CREATE TABLE name (col type …, …)`: the table and its columns.
    CreatesTable {
        /// The table, as written.
        name: String,
        /// Its columns: name as written, the type's words upper case, and
        /// whether it is declared `NOT NULL` or `PRIMARY KEY`.
        columns: Vec<(String, String, bool)>,
    },
}

/// Statements recognized at token level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recognized {
    /// PostgreSQL `DROP INDEX CONCURRENTLY [IF EXISTS] name, …`.
    DropIndexConcurrently {
        /// The index names as written.
        names: Vec<String>,
        /// `IF EXISTS` was given.
        if_exists: bool,
    },
    /// PostgreSQL `REINDEX [(…)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name`.
    Reindex {
        /// `INDEX`, `TABLE`, `SCHEMA`, `DATABASE` or `SYSTEM`.
        target: String,
        /// The object name, when given.
        name: Option<String>,
        /// `CONCURRENTLY` was given.
        concurrently: bool,
    },
    /// PostgreSQL `DO [LANGUAGE l] $$ body $$`.
    DoBlock {
        /// The body between the dollar quotes (PL/pgSQL, not parsed by sqlparser).
        body: String,
    },
    /// SQLite `PRAGMA name [= value]` in the forms sqlparser rejects (`ON`, `OFF`, …).
    Pragma {
        /// The pragma name, lower case (`foreign_keys`).
        name: String,
        /// Its value as written, when set.
        value: Option<String>,
    },
    /// PostgreSQL `CLUSTER [table [USING index]]`.
    Cluster {
        /// The table, when given.
        table: Option<String>,
    },
    /// PostgreSQL `VACUUM [(options)] [table]` forms sqlparser rejects.
    Vacuum {
        /// `FULL` was given.
        full: bool,
        /// The tables, when given.
        tables: Vec<String>,
    },
    /// PostgreSQL `ALTER TABLE … SET TABLESPACE x`.
    SetTablespace {
        /// The table.
        table: String,
    },
    /// PostgreSQL `ALTER DOMAIN name …`.
    AlterDomain {
        /// The domain.
        name: String,
        /// What it does.
        action: DomainAction,
    },
    /// PostgreSQL `ALTER INDEX name …` forms sqlparser rejects
    /// (`ATTACH PARTITION p`, `SET TABLESPACE t`, `SET (…)`).
    AlterIndex {
        /// The index.
        name: String,
        /// The action, upper case, first words (`ATTACH PARTITION`, `SET TABLESPACE`).
        action: String,
        /// The object the action names (the partition index, the tablespace).
        target: Option<String>,
    },
    /// A statement that sqlparser accepts once a clause it does not know is
    /// removed (`CREATE INDEX … ON ONLY t`, `… WITH NO DATA`, MySQL table
    /// options, a function's `COST 100`, `ALTER INDEX IF EXISTS`), or once a
    /// form it lacks is written as its equivalent (MySQL `SET @v := …` as
    /// `=`, `UPDATE t1, t2 SET …` as a `CROSS JOIN`, PostgreSQL `SET a[1] =`
    /// as a part of `a`): the AST of the rest, and the clause.
    WithClause {
        /// The statement without the clause.
        statement: Box<ast::Statement>,
        /// The clause as written, upper case (`ON ONLY`, `WITH NO DATA`,
        /// `ENGINE=InnoDB`), or the form rewritten (`:=`, `, (CROSS JOIN)`,
        /// `[1]`).
        clause: String,
    },
    /// MySQL `ALTER TABLE t <option>` with only table options sqlparser rejects
    /// (`ENGINE=`, `ROW_FORMAT=`, `CONVERT TO CHARACTER SET`, `FORCE`, …).
    TableOptions {
        /// The table.
        table: String,
        /// The options as written, upper case.
        clause: String,
    },
    /// SQLite statements sqlparser rejects that change no schema object:
    /// `REINDEX [name]` (also `REINDEX EXPRESSIONS`, 3.53) and
    /// `DETACH [DATABASE] name`.
    SqliteMaintenance {
        /// `REINDEX` or `DETACH`.
        verb: String,
        /// The object named, when given.
        target: Option<String>,
    },
    /// MySQL table maintenance: `OPTIMIZE TABLE t, …`.
    OptimizeTable {
        /// The tables.
        tables: Vec<String>,
    },
    /// PostgreSQL `ALTER TABLE` actions sqlparser rejects.
    AlterTable {
        /// The table.
        table: String,
        /// What it does.
        action: TableAction,
    },
    /// A statement sqlparser rejects that creates or changes an object no
    /// rule is about: PostgreSQL's `CREATE STATISTICS`, `DROP STATISTICS`,
    /// `CREATE PUBLICATION`, `SECURITY LABEL`, `CREATE|DROP EVENT TRIGGER`,
    /// `ALTER SEQUENCE` (the model tracks no sequences), `ALTER TYPE … SET
    /// SCHEMA`, `COMMENT ON CONSTRAINT`; MySQL's stored procedures,
    /// functions, triggers and events, `PREPARE s FROM …`, `DROP PREPARE`.
    Other {
        /// Its first words, upper case (`CREATE STATISTICS`).
        what: String,
        /// The table it takes a lock on, with that lock, when it takes one.
        lock: Option<(String, crate::locks::LockMode)>,
    },
}

/// A PostgreSQL `ALTER TABLE` action sqlparser rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableAction {
    /// `SET SCHEMA s`: moves the table; queries naming the old schema fail.
    SetSchema {
        /// The new schema.
        schema: String,
    },
    /// PostgreSQL 18 `ADD [CONSTRAINT c] NOT NULL col [NOT VALID]`.
    AddNotNull {
        /// The constraint name, when given.
        constraint: Option<String>,
        /// The column.
        column: String,
        /// `NOT VALID` was given: existing rows are not checked now.
        not_valid: bool,
    },
    /// A change of catalog metadata only, no scan and no rewrite: `ALTER
    /// COLUMN … SET STATISTICS | SET STORAGE | SET COMPRESSION | SET (…) |
    /// RESET (…) | DROP IDENTITY`, `CLUSTER ON`, `SET WITHOUT CLUSTER`,
    /// `[NO] INHERIT`, `ALTER CONSTRAINT c [NOT] DEFERRABLE …`.
    Metadata {
        /// The action's words, upper case (`ALTER COLUMN SET STATISTICS`).
        what: String,
        /// The lock it takes on the table.
        lock: crate::locks::LockMode,
    },
}

/// What an `ALTER DOMAIN` does: what decides whether it checks every column
/// that uses the domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainAction {
    /// `ADD [CONSTRAINT c] CHECK (…) [NOT VALID]`.
    AddConstraint {
        /// `NOT VALID` was given: existing values are not checked now.
        not_valid: bool,
    },
    /// `SET NOT NULL`: checks every column of the domain type.
    SetNotNull,
    /// `VALIDATE CONSTRAINT c`.
    ValidateConstraint,
    /// Anything else (`RENAME`, `OWNER TO`, `DROP CONSTRAINT`, `SET DEFAULT`, …).
    Other,
}

impl Stmt {
    /// Takes the syntax tree out once the statement has been analyzed.
    pub(crate) fn release_syntax(&mut self) -> Option<StmtKind> {
        match self.kind {
            StmtKind::Unparsed(_) | StmtKind::Analyzed => None,
            _ => Some(std::mem::replace(&mut self.kind, StmtKind::Analyzed)),
        }
    }

    /// The PostgreSQL operation this statement runs `CONCURRENTLY`, if it
    /// does: `CREATE INDEX`, `DROP INDEX`, `REINDEX` or `DETACH PARTITION`.
    /// Each waits for the transactions older than it instead of locking
    /// writers out, and none may run inside a transaction block.
    ///
    /// ```
    /// use migrate_check::{check, Config, Dialect, FileEntry, Input};
    /// let sql = "-- migrate:up\n-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n\
    ///            -- migrate:down\n-- migrate:no-transaction\nDROP INDEX CONCURRENTLY i;\n";
    /// let report = check(Input {
    ///     entries: vec![FileEntry { rel_path: "0001_i.sql".into(), bytes: sql.as_bytes().to_vec() }],
    ///     display_dir: "migrations".into(),
    ///     config: Config { dialect: Dialect::Postgres, ..Config::default() },
    ///     config_source: None,
    /// });
    /// let m = &report.migrations[0];
    /// assert!(m.up.statements[0].concurrent);
    /// assert!(m.down.as_ref().unwrap().statements[0].concurrent);
    /// ```
    pub fn concurrently(&self) -> Option<&'static str> {
        match (self.ast(), self.recognized()) {
            (Some(ast::Statement::CreateIndex(ci)), _) if ci.concurrently => {
                Some("CREATE INDEX CONCURRENTLY")
            }
            (_, Some(Recognized::DropIndexConcurrently { .. })) => Some("DROP INDEX CONCURRENTLY"),
            (
                _,
                Some(Recognized::Reindex {
                    concurrently: true, ..
                }),
            ) => Some("REINDEX CONCURRENTLY"),
            (Some(ast::Statement::AlterTable(at)), _)
                if at.operations.iter().any(|op| {
                    matches!(
                        op,
                        ast::AlterTableOperation::DetachPartitionOf {
                            mode: Some(ast::DetachPartitionMode::Concurrently),
                            ..
                        }
                    )
                }) =>
            {
                Some("DETACH PARTITION … CONCURRENTLY")
            }
            _ => None,
        }
    }

    /// The sqlparser AST, directly parsed or recovered after removing a clause.
    pub fn ast(&self) -> Option<&ast::Statement> {
        match &self.kind {
            StmtKind::Parsed(s) => Some(s),
            StmtKind::Recognized(Recognized::WithClause { statement, .. }) => Some(statement),
            _ => None,
        }
    }

    /// The token-level recognition, when that is how the statement was understood.
    pub fn recognized(&self) -> Option<&Recognized> {
        match &self.kind {
            StmtKind::Recognized(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the statement is a transaction-control statement and which:
    /// `Some(true)` for `BEGIN`/`START TRANSACTION`, `Some(false)` for
    /// `COMMIT`/`ROLLBACK`/`END`. `ROLLBACK TO SAVEPOINT` and `… AND CHAIN`
    /// (which opens the next transaction at once) end nothing: `None`.
    pub fn transaction_control(&self) -> Option<bool> {
        match self.ast()? {
            ast::Statement::StartTransaction { .. } => Some(true),
            ast::Statement::Commit { chain: false, .. } => Some(false),
            ast::Statement::Rollback {
                chain: false,
                savepoint: None,
            } => Some(false),
            _ => None,
        }
    }
}
