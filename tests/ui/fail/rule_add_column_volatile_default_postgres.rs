// Generated from the declaration of `add-column-volatile-default`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-column-volatile-default/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
