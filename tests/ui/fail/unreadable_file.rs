// A binary file among the migrations is a diagnostic naming it.
const MIGRATIONS: migrate::Migrations = migrate::embed_migrations!("ui/unreadable");

fn main() {
    let _ = MIGRATIONS;
}
