// Generated from the declaration of `parse-error`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/parse-error/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
