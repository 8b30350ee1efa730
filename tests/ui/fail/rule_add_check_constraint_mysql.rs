// Generated from the declaration of `add-check-constraint`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-check-constraint/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
