// Generated from the declaration of `change-column-type`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/change-column-type/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
