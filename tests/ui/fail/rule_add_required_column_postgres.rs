// Generated from the declaration of `add-required-column`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-required-column/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
