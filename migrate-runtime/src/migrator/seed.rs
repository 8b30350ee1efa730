//! [`Migrator::seed`]: the seeds of the embedded table, after the migrations.
//!
//! Seeds are recorded in a table of their own, `<history table>_seeds`,
//! with the same columns as the history table (`version` holds the seed's
//! name). The history table itself is left as it is: databases migrated
//! before seeds existed need no change, and a binary without seeds never
//! sees a seed row as an unknown migration.

use std::fmt;
use std::time::{Duration, Instant};

use super::{Migrator, Report, begin, count, finish, millis};
use crate::backend::{Backend, DbError};
use crate::error::Error;
use crate::history::{HistoryRow, HistoryTable, RowState, now_rfc3339};
use crate::migration::Seed;
use crate::util::retry_delay;

/// What [`Migrator::seed`] did with one seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SeedOutcome {
    /// It ran for the first time on this database.
    Applied,
    /// It ran again: its checksum differs from the one recorded.
    Changed,
    /// It ran before with the same checksum: nothing was done.
    Unchanged,
    /// It is limited to other environments (`-- migrate:env(…)`): not run.
    OtherEnvironment,
}

impl SeedOutcome {
    /// Whether the seed's statements ran.
    pub const fn ran(self) -> bool {
        matches!(self, SeedOutcome::Applied | SeedOutcome::Changed)
    }
}

impl fmt::Display for SeedOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SeedOutcome::Applied => "applied",
            SeedOutcome::Changed => "applied again (changed)",
            SeedOutcome::Unchanged => "unchanged",
            SeedOutcome::OtherEnvironment => "skipped (other environment)",
        })
    }
}

/// One seed of a [`SeedReport`].
#[derive(Clone, Copy, Debug)]
pub struct SeedRun {
    /// The seed.
    pub seed: &'static Seed,
    /// What was done with it.
    pub outcome: SeedOutcome,
    /// How long its statements took (zero when they did not run).
    pub duration: Duration,
}

/// What [`Migrator::seed`] did: the migrations it applied first, then every
/// seed of the binary in name order with its outcome.
#[derive(Clone, Debug, Default)]
pub struct SeedReport {
    /// The pending migrations applied before the seeds.
    pub migrations: Report,
    /// Every seed, in the order they were considered.
    pub seeds: Vec<SeedRun>,
}

impl SeedReport {
    /// The names of the seeds whose statements ran, in order.
    pub fn ran(&self) -> Vec<&'static str> {
        self.seeds
            .iter()
            .filter(|s| s.outcome.ran())
            .map(|s| s.seed.name)
            .collect()
    }
}

/// A statement of a seed that the database rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedError {
    /// The seed's name.
    pub seed: &'static str,
    /// Its file.
    pub file: &'static str,
    /// The 1-based line of the statement in `file`.
    pub line: u32,
    /// The statement's text.
    pub sql: &'static str,
    /// Its 0-based position in the seed.
    pub index: usize,
    /// How many statements the seed has.
    pub total: usize,
    /// How many times it was retried after lock timeouts before this failure.
    pub retries: u32,
    /// The database's message and code.
    pub cause: DbError,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seed {} failed: statement {} of {} at {}:{}: `{}`: {}; ",
            self.seed,
            self.index + 1,
            self.total,
            self.file,
            self.line,
            crate::util::one_line(self.sql),
            self.cause,
        )?;
        if self.retries > 0 {
            write!(
                f,
                "it was retried {} time(s) after lock timeouts; ",
                self.retries
            )?;
        }
        f.write_str(
            "the seed ran in a transaction that was rolled back: none of its statements took \
             effect and it is not recorded (the seeds before it stay applied); fix it and run the \
             seeds again",
        )
    }
}

impl Migrator {
    /// Applies the pending migrations (as [`run`](Migrator::run)), then the
    /// seeds: in name order, each in one transaction together with its row
    /// in the seeds table (`<history table>_seeds`). A seed runs when it
    /// never ran on this database or its checksum changed since; a seed
    /// limited by `-- migrate:env(…)` runs only when `environment` is one
    /// of those it names (`None`: only the seeds limited to no environment
    /// run). Runs under the migration lock, so concurrent runners apply each
    /// seed once.
    ///
    /// # Errors
    ///
    /// Those of [`run`](Migrator::run); [`Error::InvalidEnvironment`];
    /// [`Error::InvalidHistoryTable`] when the seeds table name is not
    /// valid; [`Error::Seed`] for a failing seed statement (that seed is
    /// rolled back; the seeds before it stay applied).
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use migrate_runtime::*;
    /// static MIGRATIONS: Migrations = Migrations::new(
    ///     &[Migration {
    ///         version: Version::new("1", &[1]),
    ///         name: "countries",
    ///         up: Section {
    ///             statements: &[Statement::new("CREATE TABLE countries (code TEXT PRIMARY KEY)", 2)],
    ///             transactional: true,
    ///             file: "migrations/1_countries.sql",
    ///         },
    ///         down: None,
    ///         irreversible: Some("example"),
    ///         checksum: "sha256:01",
    ///     }],
    ///     Dialect::Sqlite,
    ///     "migrate_history",
    /// )
    /// .with_seeds(
    ///     &[
    ///         Seed {
    ///             name: "01_countries",
    ///             file: "seeds/01_countries.sql",
    ///             environments: &[],
    ///             statements: &[Statement::new("INSERT OR IGNORE INTO countries VALUES ('fr')", 1)],
    ///             checksum: "sha256:02",
    ///         },
    ///         Seed {
    ///             name: "02_test_countries",
    ///             file: "seeds/02_test_countries.sql",
    ///             environments: &["dev", "test"],
    ///             statements: &[Statement::new("INSERT OR IGNORE INTO countries VALUES ('zz')", 2)],
    ///             checksum: "sha256:03",
    ///         },
    ///     ],
    ///     "migrate_history_seeds",
    /// );
    ///
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let migrator = Migrator::new(&MIGRATIONS);
    /// let report = migrator.seed(&mut conn, Some("prod"))?;
    /// assert_eq!(report.migrations.versions(), ["1"]);
    /// assert_eq!(report.ran(), ["01_countries"]);
    /// // Once per change and per environment:
    /// assert!(migrator.seed(&mut conn, Some("prod"))?.ran().is_empty());
    /// assert_eq!(migrator.seed(&mut conn, Some("dev"))?.ran(), ["02_test_countries"]);
    /// assert_eq!(migrator.seed(&mut conn, Some("dev"))?.seeds[0].outcome, SeedOutcome::Unchanged);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))] fn main() {}
    /// ```
    pub fn seed<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        environment: Option<&str>,
    ) -> Result<SeedReport, Error> {
        if let Some(env) = environment
            && !is_environment_name(env)
        {
            return Err(Error::InvalidEnvironment {
                environment: env.to_owned(),
            });
        }
        let migrations = self.run(conn)?;
        let mut report = SeedReport {
            migrations,
            seeds: Vec::new(),
        };
        let seeds = self.migrations().seeds();
        if seeds.is_empty() {
            return Ok(report);
        }
        let history = self.table()?;
        let table = HistoryTable::parse(self.migrations().seeds_table())?;
        self.locked(conn, &history, |conn, _scope| {
            conn.create_history(&table).map_err(|e| {
                Error::database(None, format!("creating the seeds table `{table}`"), e)
            })?;
            for seed in seeds {
                let run = if seed.runs_in(environment) {
                    self.run_seed(conn, &table, seed)?
                } else {
                    SeedRun {
                        seed,
                        outcome: SeedOutcome::OtherEnvironment,
                        duration: Duration::ZERO,
                    }
                };
                report.seeds.push(run);
            }
            Ok(())
        })?;
        Ok(report)
    }

    /// Runs one seed in a transaction with its row, unless the row records
    /// its checksum already; retried after a lock timeout.
    fn run_seed<B: Backend + ?Sized>(
        &self,
        conn: &mut B,
        table: &HistoryTable,
        seed: &'static Seed,
    ) -> Result<SeedRun, Error> {
        conn.set_lock_timeout(self.lock_timeout).map_err(|e| {
            Error::database(
                None,
                format!("setting the lock timeout for seed {}", seed.name),
                e,
            )
        })?;
        let mut retries = 0;
        loop {
            begin(conn, None)?;
            let started = Instant::now();
            let result = (|| {
                // Read under the transaction: another runner may have run it.
                let rows = conn.read_history(table).map_err(|e| {
                    Error::database(None, format!("reading the seeds table `{table}`"), e)
                })?;
                let prior = rows.into_iter().find(|r| r.version == seed.name);
                let outcome = match &prior {
                    Some(r) if r.checksum == seed.checksum && r.state == RowState::Applied => {
                        return Ok(SeedOutcome::Unchanged);
                    }
                    Some(_) => SeedOutcome::Changed,
                    None => SeedOutcome::Applied,
                };
                for (index, statement) in seed.statements.iter().enumerate() {
                    conn.execute_statement(statement).map_err(|cause| {
                        Error::Seed(Box::new(SeedError {
                            seed: seed.name,
                            file: seed.file,
                            line: statement.line,
                            sql: statement.sql,
                            index,
                            total: seed.statements.len(),
                            retries,
                            cause,
                        }))
                    })?;
                }
                let row = HistoryRow {
                    version: seed.name.to_owned(),
                    name: seed.file.to_owned(),
                    checksum: seed.checksum.to_owned(),
                    applied_at: now_rfc3339(),
                    duration_ms: millis(started.elapsed()),
                    state: RowState::Applied,
                    statements_done: count(seed.statements.len()),
                    statement_checksums: String::new(),
                };
                match prior {
                    Some(_) => conn.update_row(table, &row),
                    None => conn.insert_row(table, &row),
                }
                .map_err(|e| {
                    Error::database(
                        None,
                        format!("writing the seeds table `{table}` for seed {}", seed.name),
                        e,
                    )
                })?;
                Ok(outcome)
            })();
            match result {
                Err(Error::Seed(failure))
                    if failure.cause.is_lock_timeout() && retries < self.lock_retries =>
                {
                    let _ = conn.rollback();
                    std::thread::sleep(retry_delay(self.retry_backoff, retries));
                    retries += 1;
                }
                other => {
                    let outcome = finish(conn, None, other)?;
                    let duration = if outcome.ran() {
                        started.elapsed()
                    } else {
                        Duration::ZERO
                    };
                    return Ok(SeedRun {
                        seed,
                        outcome,
                        duration,
                    });
                }
            }
        }
    }
}

/// Lower-case ASCII letters, digits, `_` and `-`, starting with a letter
/// (the names `-- migrate:env(…)` accepts).
fn is_environment_name(name: &str) -> bool {
    name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::is_environment_name;

    #[test]
    fn environment_names_match_the_directive() {
        for ok in ["dev", "test", "staging-eu", "qa_2"] {
            assert!(is_environment_name(ok), "{ok}");
        }
        for bad in ["", "Prod", "2dev", "dev test", "dev,test", "é"] {
            assert!(!is_environment_name(bad), "{bad}");
        }
    }
}
