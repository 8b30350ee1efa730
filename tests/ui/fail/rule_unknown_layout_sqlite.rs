// Generated from the declaration of `unknown-layout`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unknown-layout/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
