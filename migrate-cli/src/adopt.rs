//! `cargo migrate adopt --from TOOL`: takes over a database that another
//! tool migrated from the same directory.
//!
//! It reads that tool's history table (never writing to it), checks it
//! against the directory — every recorded version has its migration, no row
//! is failed or dirty, and where the tool stores a checksum that can be
//! recomputed from the file (sqlx's SHA-384, Flyway's CRC32, refinery's
//! SipHash) the file is still what ran — and records exactly the versions
//! the tool applied in `migrate`'s own history, with `migrate`'s checksums
//! ([`Migrator::record_applied`]). Versions the tool did not record stay
//! pending.

use migrate_check::discover::compare_parts;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use migrate_runtime::{
    Action, AnyBackend, Dialect, HistoryTable, Migration, Migrations, Migrator, State, Target,
};
use sha2::{Digest, Sha384};

use crate::database::{Target as Where, connect_without_creating, load};
use crate::output::outln;
use crate::{EXIT_FOUND_ERRORS, Failure, config, session};

/// The arguments of `cargo migrate adopt`.
#[derive(Debug, Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct AdoptArgs {
    /// The tool that migrated the database until now.
    #[arg(long, value_enum, value_name = "TOOL")]
    from: Tool,

    /// Its history table, if it is not the tool's default (`schema.table` accepted).
    #[arg(long, value_name = "NAME")]
    table: Option<String>,

    #[command(flatten)]
    target: Where,

    /// Print what would be recorded and write nothing.
    #[arg(long)]
    dry_run: bool,
}

const AFTER_HELP: &str = "\
What is read (never written): the tool's history table
  sqlx            _sqlx_migrations           one row per migration, SHA-384 of the file
  diesel          __diesel_schema_migrations one row per migration (version without dashes)
  refinery        refinery_schema_history    one row per migration, refinery's SipHash
  dbmate          schema_migrations          one row per migration (column `version` only)
  golang-migrate  schema_migrations          ONE row: every version up to it is applied
  flyway          flyway_schema_history      one row per migration, CRC32 of the file's lines

What is checked: every recorded version has its migration in the directory;
no row is failed (sqlx, Flyway) or dirty (golang-migrate); where the tool
keeps a checksum, the file is still what it ran (a line that is only a
`-- migrate:` directive may have been added since). Any finding: exit 1,
nothing written.

What is written: one row per version the tool applied, in migrate's history
table, with migrate's checksums, in one transaction. Migrations the tool
did not record stay pending. Refused when migrate's history already has
rows, unless they are exactly this set (then it says so and exits 0).

Exit codes: 0 recorded (or nothing to do), 1 findings, 2 usage errors or an
unreadable directory, table or database.";

/// The tools whose history can be taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Tool {
    /// sqlx (`sqlx migrate run`, `sqlx::migrate!`).
    Sqlx,
    /// diesel (`diesel migration run`, `embed_migrations!`).
    Diesel,
    /// refinery (`refinery migrate`, `embed_migrations!`).
    Refinery,
    /// dbmate.
    Dbmate,
    /// golang-migrate (`migrate -path … up`).
    GolangMigrate,
    /// Flyway (`flyway migrate`).
    Flyway,
}

impl Tool {
    fn default_table(self) -> &'static str {
        match self {
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Refinery => "refinery_schema_history",
            Tool::Dbmate | Tool::GolangMigrate => "schema_migrations",
            Tool::Flyway => "flyway_schema_history",
        }
    }

    /// The columns its table must have.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Tool::Sqlx => &[
                "version",
                "description",
                "installed_on",
                "success",
                "checksum",
                "execution_time",
            ],
            Tool::Diesel => &["version", "run_on"],
            Tool::Refinery => &["version", "name", "applied_on", "checksum"],
            Tool::Dbmate => &["version"],
            Tool::GolangMigrate => &["version", "dirty"],
            Tool::Flyway => &[
                "installed_rank",
                "version",
                "description",
                "type",
                "script",
                "checksum",
                "installed_by",
                "installed_on",
                "execution_time",
                "success",
            ],
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
            Tool::Dbmate => "dbmate",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Flyway => "Flyway",
        })
    }
}

/// What a tool recorded about one version, and what can be checked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recorded {
    /// No checksum (diesel, dbmate, golang-migrate, Flyway rows of other types).
    Unchecked,
    /// sqlx: SHA-384 of the file, lowercase hex.
    Sha384(String),
    /// Flyway: CRC32 of the file's lines, as the signed int it stores.
    Crc32(i32),
    /// refinery: its name and SipHash-1-3 of (name, version, SQL).
    Refinery { name: String, checksum: u64 },
}

/// The tool's history, read from its table.
#[derive(Debug, Default)]
struct Theirs {
    /// Versions recorded as applied, in the order read.
    applied: Vec<(String, Recorded)>,
    /// golang-migrate: every version up to this one is applied.
    up_to: Option<String>,
    /// Flyway's `BASELINE` row: versions up to it count as applied.
    baseline: Option<String>,
    /// Rows that stop the takeover (failed, dirty), as messages.
    failed: Vec<String>,
    /// Rows left aside, as notes.
    notes: Vec<String>,
}

/// `adopt`: reads the tool's table, checks it, records the versions it applied.
pub fn run(args: &AdoptArgs) -> Result<ExitCode, Failure> {
    let (migrations, url) = load(&args.target)?;
    let table_text = args.table.as_deref().unwrap_or(args.from.default_table());
    let table = HistoryTable::parse(Box::leak(table_text.to_owned().into_boxed_str()))
        .map_err(|e| Failure(format!("--table: {e}")))?;
    // A SQLite file that does not exist is not created: it has no table.
    let mut db = connect_without_creating(&url, &args.target.database_url)?;
    let theirs = read(&mut db, args.from, &table)?;
    let tool = args.from;

    let all = migrations.migrations();
    let settings = config::load(args.target.config.as_deref())?.config;
    let dir = config::migrations_dir(args.target.dir.as_deref(), &settings);
    let (mut findings, checked) = compare_history(&theirs, migrations, tool, &table, &dir);
    findings.extend(theirs.failed.iter().cloned());
    for note in &theirs.notes {
        outln!("note: {note}");
    }
    if !findings.is_empty() {
        for f in &findings {
            outln!("{f}");
        }
        outln!(
            "error: adopt refused: {} in {table} ({}); nothing was written",
            count(findings.len(), "finding"),
            url.redacted()
        );
        return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
    }

    let set: Vec<&'static Migration> = checked.keys().map(|&i| &all[i]).collect();
    let migrator = Migrator::new(migrations);
    let ours = session::status(&migrator, &mut db)?;
    let recorded_ours: Vec<_> = ours
        .iter()
        .filter(|r| !matches!(r.state, State::Pending | State::PendingOutOfOrder))
        .collect();
    let ours_table = migrations.history_table();
    if !recorded_ours.is_empty() {
        let same_set = recorded_ours.len() == set.len()
            && recorded_ours.iter().all(|r| {
                r.migration
                    .is_some_and(|m| set.iter().any(|s| std::ptr::eq(*s, m)))
            });
        if same_set {
            let attention = recorded_ours
                .iter()
                .filter(|r| r.state != State::Applied)
                .count();
            outln!(
                "already adopted: {ours_table} records exactly the {} that {tool} applied; nothing to do ({})",
                count(set.len(), "migration"),
                url.redacted()
            );
            if attention == 0 {
                return Ok(ExitCode::SUCCESS);
            }
            outln!(
                "error: {} of them need attention since (changed or dirty): see `cargo migrate status`",
                attention
            );
            return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
        }
        let versions: Vec<&str> = recorded_ours.iter().map(|r| r.version.as_str()).collect();
        outln!(
            "error: adopt refused: {ours_table} already has {} ({}), not the {} {tool} applied; \
             adopt only fills an empty history ({}); nothing was written",
            count(recorded_ours.len(), "row"),
            versions.join(", "),
            count(set.len(), "migration"),
            url.redacted()
        );
        return Ok(ExitCode::from(EXIT_FOUND_ERRORS));
    }

    let newest = set.last().map(|m| m.version.parts);
    let mut pending = 0;
    for (i, m) in all.iter().enumerate() {
        match checked.get(&i) {
            Some(how) => outln!("applied {} {}: {how}", m.version, m.name),
            None => {
                pending += 1;
                let out_of_order =
                    newest.is_some_and(|n| compare_parts(m.version.parts, n).is_lt());
                if out_of_order {
                    outln!(
                        "pending {} {}: not applied by {tool}, and older than the newest it \
                         applied: `cargo migrate up` refuses it until it has a newer version \
                         (or the application allows out-of-order migrations)",
                        m.version,
                        m.name
                    );
                } else {
                    outln!("pending {} {}: not applied by {tool}", m.version, m.name);
                }
            }
        }
    }
    let targets: Vec<Target> = set.iter().map(|m| Target::from(m.version)).collect();
    if args.dry_run {
        migrator
            .plan(&mut db, Action::RecordApplied(targets))
            .map_err(|e| session::failure(&e))?;
        outln!(
            "would record {} as applied in {ours_table} ({pending} pending); nothing was written \
             (--dry-run) ({})",
            count(set.len(), "migration"),
            url.redacted()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if set.is_empty() {
        outln!(
            "nothing to record: {tool} applied no migration ({pending} pending) ({})",
            url.redacted()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let report = migrator
        .record_applied(&mut db, targets)
        .map_err(|e| session::failure(&e))?;
    outln!(
        "recorded {} as applied in {ours_table} ({pending} pending); {table} was not changed ({})",
        count(report.steps.len(), "migration"),
        url.redacted()
    );
    Ok(ExitCode::SUCCESS)
}

/// Matches the tool's history with the directory: the findings, and the
/// migrations it applied (by index in the table) with how each was checked.
fn compare_history(
    theirs: &Theirs,
    migrations: &Migrations,
    tool: Tool,
    table: &HistoryTable,
    dir: &std::path::Path,
) -> (Vec<String>, BTreeMap<usize, String>) {
    let mut findings = Vec::new();
    let mut checked: BTreeMap<usize, String> = BTreeMap::new();
    let all = migrations.migrations();
    // Keyed in the table's order: diesel's stored `20240101000000` is the
    // directory's `2024-01-01-000000`, sqlx's `3` is `0003`.
    let index_of = |version: &str| {
        let key = migrations.key_of(version)?;
        all.iter()
            .position(|m| m.version.text == version || compare_parts(m.version.parts, &key).is_eq())
    };
    for (version, recorded) in &theirs.applied {
        let Some(i) = index_of(version) else {
            findings.push(format!(
                "missing {version}: recorded in {table} but not in {}",
                dir_shown(dir)
            ));
            continue;
        };
        let m = &all[i];
        match verify(tool, m, recorded, dir, version) {
            Ok(how) => {
                checked.insert(i, how);
            }
            Err(why) => findings.push(format!("changed {} {}: {why}", m.version, m.name)),
        }
    }
    let mut covered = |limit: &str, how: &str| -> bool {
        let Some(parts) = migrations.key_of(limit) else {
            return false;
        };
        for (i, m) in all.iter().enumerate() {
            if compare_parts(m.version.parts, &parts).is_le() {
                checked.entry(i).or_insert_with(|| how.to_owned());
            }
        }
        true
    };
    if let Some(v) = &theirs.up_to {
        if index_of(v).is_none() {
            findings.push(format!(
                "missing {v}: {table} is at version {v}, which is not in {}",
                dir_shown(dir)
            ));
        } else {
            covered(
                v,
                &format!("{table} is at version {v}, and golang-migrate applies in order"),
            );
        }
    }
    if let Some(v) = &theirs.baseline
        && !covered(v, &format!("below Flyway's baseline {v}"))
    {
        findings.push(format!("baseline {v}: not a version"));
    }
    (findings, checked)
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn dir_shown(dir: &std::path::Path) -> String {
    format!("`{}`", dir.display())
}

// ---- checksums ----

/// Checks what the tool recorded against the migration's file: how it
/// matched, or why it does not.
fn verify(
    tool: Tool,
    m: &Migration,
    recorded: &Recorded,
    dir: &std::path::Path,
    version: &str,
) -> Result<String, String> {
    let by = format!("recorded by {tool}");
    let mut number = 0;
    let label = match recorded {
        Recorded::Unchecked => return Ok(format!("{by}, no checksum to compare")),
        Recorded::Sha384(_) => "SHA-384",
        Recorded::Crc32(_) => "CRC32",
        Recorded::Refinery { name, .. } => {
            let file_name = file_name(m.up.file);
            if refinery_name(file_name) != Some(name.as_str()) {
                return Err(format!(
                    "refinery recorded it as `{name}`, the file is `{file_name}`"
                ));
            }
            number = version
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("refinery's version `{version}` is not a number"))?;
            "checksum"
        }
    };
    let matches = |text: &str| match recorded {
        Recorded::Unchecked => true,
        Recorded::Sha384(hex) => sha384_hex(text) == *hex,
        Recorded::Crc32(crc) => flyway_crc32(text) == *crc,
        Recorded::Refinery { name, checksum } => {
            refinery_checksums(name, number, text).contains(checksum)
        }
    };
    let path = file_path(dir, m.up.file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if matches(&text) {
        return Ok(format!("{by}, {label} matches"));
    }
    if let Some(without) = without_directives(&text)
        && matches(&without)
    {
        return Ok(format!(
            "{by}, {label} matches once the `-- migrate:` directive lines are left out"
        ));
    }
    Err(format!(
        "the file changed since it was applied: its {label} differs from the one recorded \
         (restore the file as it ran, then put the change in a new migration)"
    ))
}

/// The file's path on disk: `section.file` is the directory as given
/// followed by the path inside it.
fn file_path(dir: &std::path::Path, shown: &str) -> PathBuf {
    let prefix = dir.to_string_lossy();
    let prefix = prefix.trim_end_matches('/');
    let rel = if prefix.is_empty() {
        shown
    } else {
        shown
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(shown)
    };
    dir.join(rel)
}

fn file_name(shown: &str) -> &str {
    shown.rsplit('/').next().unwrap_or(shown)
}

/// refinery's name of a `V<n>__<name>.sql` file: the word characters after `__`.
fn refinery_name(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix('V')?;
    let (_, name) = rest.split_once("__")?;
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    Some(&name[..end]).filter(|n| !n.is_empty())
}

/// The text without the lines that are only a `-- migrate:` directive (as
/// added for adoption: `allow(…)`, `irreversible: …`), or `None` if it has none.
fn without_directives(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut dropped = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("-- migrate:") {
            dropped = true;
        } else {
            out.push_str(line);
        }
    }
    dropped.then_some(out)
}

/// sqlx: SHA-384 over the file's text exactly as it is.
fn sha384_hex(text: &str) -> String {
    Sha384::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Flyway: CRC32 over the UTF-8 bytes of each line, line breaks (`\n`,
/// `\r`, `\r\n`) left out and a BOM stripped from the first line, stored as
/// a signed 32-bit int. Feeding the lines one after another is the same as
/// hashing the text with every `\r` and `\n` removed.
fn flyway_crc32(text: &str) -> i32 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut crc = crc32fast::Hasher::new();
    for line in text.split(['\r', '\n']) {
        crc.update(line.as_bytes());
    }
    crc.finalize() as i32
}

/// refinery: SipHash-1-3 (keys 0, 0) of the name, the version and the
/// file's text, each fed through `Hash`. The version is an `i32`, or an
/// `i64` with refinery's `int8-versions` feature: both are candidates.
fn refinery_checksums(name: &str, version: i64, sql: &str) -> Vec<u64> {
    let hash = |feed: &dyn Fn(&mut siphasher::sip::SipHasher13)| {
        let mut h = siphasher::sip::SipHasher13::new();
        name.hash(&mut h);
        feed(&mut h);
        sql.hash(&mut h);
        h.finish()
    };
    let mut out = vec![hash(&|h| version.hash(h))];
    if let Ok(v) = i32::try_from(version) {
        out.push(hash(&|h| v.hash(h)));
    }
    out
}

// ---- reading the tool's table ----

type Rows = Vec<Vec<Option<String>>>;

/// Reads the tool's history, after checking that the table is the tool's.
fn read(db: &mut AnyBackend, tool: Tool, table: &HistoryTable) -> Result<Theirs, Failure> {
    let dialect = dialect_of(db);
    let columns: Vec<String> = query(db, &columns_sql(dialect, table), table)?
        .into_iter()
        .filter_map(|mut r| r.swap_remove(0))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if columns.is_empty() {
        return Err(Failure(format!(
            "there is no table `{table}` ({tool}'s history) in this database: check the URL, \
             or name the table with --table"
        )));
    }
    let has = |c: &str| columns.iter().any(|x| x == c);
    if tool == Tool::Dbmate && has("dirty") {
        return Err(Failure(format!(
            "`{table}` has a `dirty` column: it is golang-migrate's table, not dbmate's; use --from golang-migrate"
        )));
    }
    if tool == Tool::GolangMigrate && has("version") && !has("dirty") {
        return Err(Failure(format!(
            "`{table}` has no `dirty` column: it looks like dbmate's table, not golang-migrate's; use --from dbmate"
        )));
    }
    let missing: Vec<&str> = tool.columns().iter().copied().filter(|c| !has(c)).collect();
    if !missing.is_empty() {
        return Err(Failure(format!(
            "`{table}` is not {tool}'s history table: it has no column {} (it has {})",
            missing.join(", "),
            columns.join(", ")
        )));
    }
    let q = table.quoted(if dialect == Dialect::MySql { '`' } else { '"' });
    let text = |col: &str| match dialect {
        Dialect::Postgres => format!("{col}::text"),
        Dialect::MySql => format!("CAST({col} AS CHAR)"),
        Dialect::Sqlite => format!("CAST({col} AS TEXT)"),
    };
    let flag = |col: &str| format!("CASE WHEN {col} THEN 1 ELSE 0 END");
    let hex = |col: &str| match dialect {
        Dialect::Postgres => format!("encode({col}, 'hex')"),
        Dialect::MySql | Dialect::Sqlite => format!("LOWER(HEX({col}))"),
    };
    let mut theirs = Theirs::default();
    match tool {
        Tool::Sqlx => {
            let sql = format!(
                "SELECT {}, {}, {} FROM {q} ORDER BY version",
                text("version"),
                flag("success"),
                hex("checksum")
            );
            for row in query(db, &sql, table)? {
                let [version, success, checksum] = take(row);
                let version = version.unwrap_or_default();
                if success.as_deref() != Some("1") {
                    theirs.failed.push(format!(
                        "failed {version}: {table} marks it failed (success = false): sqlx \
                         stopped in the middle of it. Settle it with sqlx first: check the \
                         schema, undo or finish what it did by hand and delete its row, or \
                         rerun it with `sqlx migrate run`; then adopt again"
                    ));
                } else {
                    let checksum = checksum.unwrap_or_default();
                    theirs.applied.push((version, Recorded::Sha384(checksum)));
                }
            }
        }
        Tool::Diesel | Tool::Dbmate => {
            let sql = format!("SELECT {} FROM {q} ORDER BY version", text("version"));
            for row in query(db, &sql, table)? {
                let [version] = take(row);
                theirs
                    .applied
                    .push((version.unwrap_or_default(), Recorded::Unchecked));
            }
        }
        Tool::Refinery => {
            let sql = format!(
                "SELECT {}, name, checksum FROM {q} ORDER BY version",
                text("version")
            );
            for row in query(db, &sql, table)? {
                let [version, name, checksum] = take(row);
                let version = version.unwrap_or_default();
                let recorded = match checksum.as_deref().map(|c| c.trim().parse::<u64>()) {
                    Some(Ok(checksum)) => Recorded::Refinery {
                        name: name.unwrap_or_default(),
                        checksum,
                    },
                    _ => {
                        theirs.notes.push(format!(
                            "{version}: {table} holds no readable checksum for it; not compared"
                        ));
                        Recorded::Unchecked
                    }
                };
                theirs.applied.push((version, recorded));
            }
        }
        Tool::GolangMigrate => {
            let sql = format!("SELECT {}, {} FROM {q}", text("version"), flag("dirty"));
            let rows = query(db, &sql, table)?;
            if rows.len() > 1 {
                return Err(Failure(format!(
                    "`{table}` has {} rows; golang-migrate keeps exactly one (the current \
                     version): settle it with `migrate force VERSION` first",
                    rows.len()
                )));
            }
            if let Some(row) = rows.into_iter().next() {
                let [version, dirty] = take(row);
                let version = version.unwrap_or_default();
                if dirty.as_deref() == Some("1") {
                    theirs.failed.push(format!(
                        "dirty {version}: {table} marks version {version} dirty: golang-migrate \
                         stopped in the middle of it. Check the schema, then settle it with \
                         golang-migrate first: `migrate force {version}` if all of it is in \
                         place, `migrate force <the previous version>` if none of it is; then \
                         adopt again"
                    ));
                } else if version.trim() != "-1" {
                    theirs.up_to = Some(version);
                }
            }
        }
        Tool::Flyway => read_flyway(db, table, &q, &text, &flag, &mut theirs)?,
    }
    Ok(theirs)
}

fn read_flyway(
    db: &mut AnyBackend,
    table: &HistoryTable,
    q: &str,
    text: &dyn Fn(&str) -> String,
    flag: &dyn Fn(&str) -> String,
    theirs: &mut Theirs,
) -> Result<(), Failure> {
    let sql = format!(
        "SELECT {}, version, type, script, {}, {} FROM {q} ORDER BY installed_rank",
        text("installed_rank"),
        text("checksum"),
        flag("success")
    );
    // Versions by their latest row: a later undo or DELETE row cancels an apply.
    let mut state: BTreeMap<Vec<u64>, (String, Recorded)> = BTreeMap::new();
    for row in query(db, &sql, table)? {
        let [_rank, version, kind, script, checksum, success] = take(row);
        let kind = kind.unwrap_or_default();
        let script = script.unwrap_or_default();
        if success.as_deref() != Some("1") {
            theirs.failed.push(format!(
                "failed {}: {table} marks `{script}` failed (success = false): Flyway stopped \
                 in the middle of it. Check the schema, fix it by hand, then settle it with \
                 Flyway first (`flyway repair` removes failed rows); then adopt again",
                version.as_deref().unwrap_or("(repeatable)")
            ));
            continue;
        }
        let Some(version) = version.filter(|v| !v.trim().is_empty()) else {
            if kind != "SCHEMA" {
                theirs.notes.push(format!(
                    "`{script}` is a repeatable migration: migrate has none, it is not taken over"
                ));
            }
            continue;
        };
        let Some(parts) = Target::from(version.as_str()).parts().map(<[u64]>::to_vec) else {
            theirs.failed.push(format!(
                "invalid {version}: {table} holds a version that is not a number"
            ));
            continue;
        };
        match kind.as_str() {
            "BASELINE" => theirs.baseline = Some(version),
            "DELETE" => {
                state.remove(&parts);
            }
            k if k.starts_with("UNDO") => {
                state.remove(&parts);
            }
            _ => {
                let recorded = match (kind.as_str(), checksum.as_deref().map(str::trim)) {
                    ("SQL", Some(c)) => c.parse().map_or(Recorded::Unchecked, Recorded::Crc32),
                    _ => Recorded::Unchecked,
                };
                state.insert(parts, (version, recorded));
            }
        }
    }
    theirs.applied.extend(state.into_values());
    Ok(())
}

/// The row's first `N` values (missing ones as NULL).
fn take<const N: usize>(row: Vec<Option<String>>) -> [Option<String>; N] {
    let mut it = row.into_iter();
    std::array::from_fn(|_| it.next().flatten())
}

fn dialect_of(db: &AnyBackend) -> Dialect {
    migrate_runtime::Backend::dialect(db)
}

/// The table's column names, one per row (none when it does not exist).
fn columns_sql(dialect: Dialect, table: &HistoryTable) -> String {
    // The parts are plain identifiers (HistoryTable checks): safe in literals.
    match dialect {
        Dialect::Postgres => format!(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('{}') \
             AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            table.quoted('"')
        ),
        Dialect::MySql => format!(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = {} \
             AND table_name = '{}' ORDER BY ordinal_position",
            table
                .schema()
                .map_or_else(|| "DATABASE()".to_owned(), |s| format!("'{s}'")),
            table.name()
        ),
        Dialect::Sqlite => match table.schema() {
            Some(schema) => format!(
                "SELECT name FROM pragma_table_info('{}', '{schema}')",
                table.name()
            ),
            None => format!("SELECT name FROM pragma_table_info('{}')", table.name()),
        },
    }
}

/// Runs a query and returns every value as text (NULL as `None`).
fn query(db: &mut AnyBackend, sql: &str, table: &HistoryTable) -> Result<Rows, Failure> {
    let fail = |e: String| Failure(format!("cannot read `{table}`: {e}"));
    match db {
        AnyBackend::Postgres(b) => {
            use migrate_runtime::postgres::SimpleQueryMessage;
            let messages = b
                .client()
                .simple_query(sql)
                .map_err(|e| fail(e.to_string()))?;
            Ok(messages
                .into_iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
                    }
                    _ => None,
                })
                .collect())
        }
        AnyBackend::MySql(b) => {
            use migrate_runtime::mysql::Value;
            use migrate_runtime::mysql::prelude::Queryable;
            let rows: Vec<migrate_runtime::mysql::Row> =
                b.conn().query(sql).map_err(|e| fail(e.to_string()))?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    r.unwrap()
                        .into_iter()
                        .map(|v| match v {
                            Value::NULL => None,
                            Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                            Value::Int(i) => Some(i.to_string()),
                            Value::UInt(u) => Some(u.to_string()),
                            other => Some(other.as_sql(true)),
                        })
                        .collect()
                })
                .collect())
        }
        AnyBackend::Sqlite(conn) => {
            use migrate_runtime::rusqlite::types::ValueRef;
            let mut stmt = conn.prepare(sql).map_err(|e| fail(e.to_string()))?;
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                ValueRef::Null => None,
                                ValueRef::Integer(i) => Some(i.to_string()),
                                ValueRef::Real(f) => Some(f.to_string()),
                                ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                                ValueRef::Blob(b) => {
                                    Some(b.iter().map(|x| format!("{x:02x}")).collect())
                                }
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(|e| fail(e.to_string()))?;
            rows.collect::<Result<Rows, _>>()
                .map_err(|e| fail(e.to_string()))
        }
        _ => Err(fail("this kind of database is not supported".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flyway_crc32_ignores_line_breaks_and_a_bom() {
        let lf = flyway_crc32("CREATE TABLE a (x int);\n\nDROP TABLE b;\n");
        assert_eq!(
            flyway_crc32("CREATE TABLE a (x int);\r\n\r\nDROP TABLE b;"),
            lf
        );
        assert_eq!(
            flyway_crc32("\u{feff}CREATE TABLE a (x int);\rDROP TABLE b;\r"),
            lf
        );
        // The CRC32 of the lines' bytes run together, as a signed int.
        let joined = crc32fast::hash(b"CREATE TABLE a (x int);DROP TABLE b;") as i32;
        assert_eq!(lf, joined);
        assert_ne!(
            flyway_crc32("CREATE TABLE a (x int );"),
            flyway_crc32("CREATE TABLE a (x int);")
        );
    }

    #[test]
    fn sqlx_hashes_the_text_as_it_is() {
        // SHA-384 of the empty string (FIPS 180-2 test vector).
        assert_eq!(
            sha384_hex(""),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da\
             274edebfe76f65fbd51ad2f14898b95b"
        );
        assert_ne!(sha384_hex("SELECT 1;\n"), sha384_hex("SELECT 1;\r\n"));
    }

    #[test]
    fn refinery_names_are_the_word_after_the_separator() {
        assert_eq!(refinery_name("V1__create_users.sql"), Some("create_users"));
        assert_eq!(refinery_name("V20__x.sql"), Some("x"));
        assert_eq!(refinery_name("U1__x.sql"), None);
        assert_eq!(refinery_name("V1__.sql"), None);
    }

    #[test]
    fn refinery_checksum_depends_on_the_version_width() {
        let both = refinery_checksums("a", 1, "SELECT 1;");
        assert_eq!(both.len(), 2);
        assert_ne!(both[0], both[1]);
        assert_eq!(refinery_checksums("a", 1 << 40, "SELECT 1;").len(), 1);
    }

    #[test]
    fn directive_lines_are_left_out_whole() {
        let text = "CREATE TABLE a (x int);\n-- migrate:irreversible: applied before adoption\n";
        assert_eq!(
            without_directives(text).as_deref(),
            Some("CREATE TABLE a (x int);\n")
        );
        assert_eq!(without_directives("SELECT 1;\n-- a comment\n"), None);
    }

    #[test]
    fn the_file_is_found_under_the_directory_as_given() {
        let dir = std::path::Path::new("db/migrations/");
        assert_eq!(
            file_path(dir, "db/migrations/1_a/up.sql"),
            std::path::Path::new("db/migrations/1_a/up.sql")
        );
        assert_eq!(file_name("db/migrations/V1__a.sql"), "V1__a.sql");
    }
}
