const MIGRATIONS: migrate::Migrations = migrate::embed_migrations!("ui/does_not_exist");

fn main() {
    let _ = MIGRATIONS;
}
