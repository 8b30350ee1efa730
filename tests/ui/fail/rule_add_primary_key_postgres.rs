// Generated from the declaration of `add-primary-key`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-primary-key/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
