// Generated from the declaration of `primary-key-on-nullable`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/primary-key-on-nullable/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
