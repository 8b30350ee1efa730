// Generated from the declaration of `partitioning-change`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/partitioning-change/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
