// Generated from the declaration of `table-rebuild`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/table-rebuild/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
