// Generated from the declaration of `duplicate-version`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/duplicate-version/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
