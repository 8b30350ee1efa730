// Generated from the declaration of `rename-table`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/rename-table/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
