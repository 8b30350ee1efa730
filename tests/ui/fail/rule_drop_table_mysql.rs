// Generated from the declaration of `drop-table`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-table/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
