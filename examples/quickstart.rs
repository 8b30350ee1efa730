//! Applies the migrations of `examples/migrations` to a SQLite file, prints
//! their status, rolls the newest one back and applies it again.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! The migrations were checked when this example compiled: try adding
//! `ALTER TABLE users ALTER COLUMN email SET NOT NULL;` to one of them and
//! build again.

use migrate::{Migrations, Migrator, State};

const MIGRATIONS: Migrations = migrate::embed_migrations!("examples/migrations");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join(format!("migrate-quickstart-{}.db", std::process::id()));
    let result = run(&path);
    let _ = std::fs::remove_file(&path);
    result
}

fn run(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = rusqlite::Connection::open(path)?;
    let migrator = Migrator::new(&MIGRATIONS);
    println!("database: {}", path.display());
    println!(
        "embedded: {} migrations, checked at build time\n",
        MIGRATIONS.migrations().len()
    );

    println!("plan:\n{}", migrator.plan(&mut conn, migrate::Action::Run)?);
    let applied = migrator.run(&mut conn)?;
    println!("applied: {}\n", applied.versions().join(", "));
    print_status(&migrator, &mut conn)?;

    // Roll back the newest migration, then apply it again.
    let all = MIGRATIONS.migrations();
    let previous = &all[all.len() - 2];
    let reverted = migrator.rollback_to(&mut conn, previous)?;
    println!("\nrolled back: {}", reverted.versions().join(", "));
    print_status(&migrator, &mut conn)?;
    let reapplied = migrator.run(&mut conn)?;
    println!("\napplied again: {}", reapplied.versions().join(", "));
    print_status(&migrator, &mut conn)?;

    let tags: i64 = conn.query_row("SELECT count(*) FROM tags", [], |r| r.get(0))?;
    println!("\ntags seeded: {tags}");
    Ok(())
}

fn print_status(
    migrator: &Migrator,
    conn: &mut rusqlite::Connection,
) -> Result<(), migrate::Error> {
    println!(
        "{:<16} {:<28} {:<10} applied at",
        "version", "name", "state"
    );
    for s in migrator.status(conn)? {
        let state = match &s.state {
            State::Applied => "applied".to_string(),
            State::Pending => "pending".to_string(),
            other => format!("{other:?}"),
        };
        println!(
            "{:<16} {:<28} {:<10} {}",
            s.version,
            s.name,
            state,
            s.applied_at.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
