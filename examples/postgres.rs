//! Applies the migrations of `examples/migrations_pg` (a concurrent index
//! build among them) to the PostgreSQL database named by `DATABASE_URL`,
//! then prints their status.
//!
//! ```text
//! createdb -h 127.0.0.1 -U postgres shop
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop \
//!     cargo run --example postgres --features postgres
//! ```
//!
//! Start several copies at once: one applies the migrations, the others wait
//! for its lock (polling, so the concurrent index build is never blocked by
//! them) and then find nothing left to do. Every migration runs exactly once.

use std::time::Duration;

use migrate::{DatabaseUrl, Dialect, Migrations, Migrator, State};

const MIGRATIONS: Migrations =
    migrate::embed_migrations!("examples/migrations_pg", dialect = "postgres");

fn main() {
    if let Err(e) = run() {
        // Errors never contain the URL's password.
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url: DatabaseUrl = std::env::var("DATABASE_URL")
        .map_err(|_| "set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/shop")?
        .parse()?;
    if url.dialect() != Dialect::Postgres {
        return Err(format!("expected a postgres:// URL, got `{url}`").into());
    }
    println!("database: {url}"); // the password, if any, shows as ***
    let mut conn = url.connect()?;
    let migrator = Migrator::new(&MIGRATIONS)
        .lock_wait(Duration::from_secs(120))
        .lock_timeout(Some(Duration::from_secs(5)));
    let report = migrator.run(&mut conn)?;
    if report.steps.is_empty() {
        println!("nothing to apply");
    }
    for step in &report.steps {
        println!(
            "applied {} {} in {:?}",
            step.migration.version, step.migration.name, step.duration
        );
    }
    for s in migrator.status(&mut conn)? {
        let state = match &s.state {
            State::Applied => "applied".to_owned(),
            State::Pending => "pending".to_owned(),
            other => format!("{other:?}"),
        };
        println!("{:<16} {:<28} {state}", s.version, s.name);
    }
    Ok(())
}
