// Generated from the declaration of `drop-and-recreate-table`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-and-recreate-table/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
