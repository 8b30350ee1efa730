// Generated from the declaration of `sqlite-unsupported-alter`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/sqlite-unsupported-alter/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
