// Generated from the declaration of `add-unique-constraint`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-unique-constraint/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
