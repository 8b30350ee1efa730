// Generated from the declaration of `uncommitted-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/uncommitted-transaction/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
