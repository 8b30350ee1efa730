// Generated from the declaration of `empty-section`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/empty-section/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
