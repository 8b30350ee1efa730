// Generated from the declaration of `drop-column`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-column/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
