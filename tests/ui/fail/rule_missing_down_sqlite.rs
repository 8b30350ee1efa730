// Generated from the declaration of `missing-down`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/missing-down/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
