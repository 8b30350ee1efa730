// Generated from the declaration of `add-column-expression-default`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-column-expression-default/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
