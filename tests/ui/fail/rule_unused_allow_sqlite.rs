// Generated from the declaration of `unused-allow`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unused-allow/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
