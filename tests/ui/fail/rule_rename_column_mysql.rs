// Generated from the declaration of `rename-column`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/rename-column/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
