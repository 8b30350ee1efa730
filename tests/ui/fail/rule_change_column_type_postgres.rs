// Generated from the declaration of `change-column-type`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/change-column-type/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
