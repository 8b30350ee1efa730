// Generated from the declaration of `change-engine`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/change-engine/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
