// Generated from the declaration of `drop-and-recreate-table`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-and-recreate-table/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
