// Generated from the declaration of `drop-column`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-column/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
