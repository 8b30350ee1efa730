//! Applies the migrations of `examples/migrations_mysql` (an online index
//! build among them) to the MySQL or MariaDB database named by
//! `DATABASE_URL`, then prints their status.
//!
//! ```text
//! mariadb -h 127.0.0.1 -u root -e 'CREATE DATABASE shop'
//! DATABASE_URL=mysql://root@127.0.0.1:3306/shop \
//!     cargo run --example mysql --features mysql
//! ```
//!
//! Start several copies at once: one applies the migrations (MySQL DDL
//! commits on its own, so the progress of each statement is recorded), the
//! others wait for its `GET_LOCK` and then find nothing left to do. Every
//! migration runs exactly once.

use std::time::Duration;

use migrate::{DatabaseUrl, Dialect, Migrations, Migrator, State};

const MIGRATIONS: Migrations =
    migrate::embed_migrations!("examples/migrations_mysql", dialect = "mysql");

fn main() {
    if let Err(e) = run() {
        // Errors never contain the URL's password.
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url: DatabaseUrl = std::env::var("DATABASE_URL")
        .map_err(|_| "set DATABASE_URL, e.g. mysql://root@127.0.0.1:3306/shop")?
        .parse()?;
    if url.dialect() != Dialect::MySql {
        return Err(format!("expected a mysql:// URL, got `{url}`").into());
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
