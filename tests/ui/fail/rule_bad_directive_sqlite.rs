// Generated from the declaration of `bad-directive`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/bad-directive/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
